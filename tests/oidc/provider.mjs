// A real OpenID Connect provider on loopback for habilis's login tests.
// Usage: node provider.mjs PORT CLIENT_REDIRECT_URI POST_LOGOUT_URI
// Any login name signs in; its claims come from ACCOUNTS below (or are made up). A login
// "name+SIRET" is the account "name" signing in for another organisation (an agent who moved).
import Provider from 'oidc-provider';

const [port, redirectUri, postLogoutUri] = process.argv.slice(2);
const issuer = `http://127.0.0.1:${port}`;

const ACCOUNTS = {
  'agent-lyon': { email: 'agent@mairie-lyon.fr', given_name: 'Agathe', usual_name: 'Durand', siret: '21690123100011', uid: '42' },
  'agent-nouveau': { email: 'nouvel.agent@ville-tours.fr', given_name: 'Noé', usual_name: 'Nouveau', siret: '21370261100004', uid: '43' },
  'agent-sans-siret': { email: 'sans.siret@exemple.fr', given_name: 'Sam', usual_name: 'Sans', siret: '12345678901234', uid: '44' },
};

const configuration = {
  clients: [{
    client_id: 'habilis',
    client_secret: 'secret-de-test-habilis',
    redirect_uris: [redirectUri],
    post_logout_redirect_uris: [postLogoutUri],
    token_endpoint_auth_method: 'client_secret_basic',
    id_token_signed_response_alg: 'RS256',
    // As ProConnect does: userinfo comes back as a signed JWT.
    userinfo_signed_response_alg: 'RS256',
  }],
  pkce: { required: () => true, methods: ['S256'] },
  scopes: ['openid', 'email', 'given_name', 'usual_name', 'siret', 'uid'],
  claims: { email: ['email'], given_name: ['given_name'], usual_name: ['usual_name'], siret: ['siret'], uid: ['uid'] },
  features: { devInteractions: { enabled: true }, jwtUserinfo: { enabled: true } },
  async findAccount(ctx, id) {
    const [name, siret] = id.split('+');
    const known = ACCOUNTS[name] || { email: `${name}@exemple.fr`, given_name: name, usual_name: 'Test', siret: '21690123100011', uid: name };
    const claims = siret ? { ...known, siret } : known;
    return { accountId: id, async claims() { return { sub: name, ...claims }; } };
  },
};

const provider = new Provider(issuer, configuration);
provider.proxy = true;
provider.listen(Number(port), '127.0.0.1', () => console.log(`ready ${issuer}`));
