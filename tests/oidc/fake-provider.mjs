// An OpenID provider that misbehaves on purpose, for habilis's rejection tests. No dependency.
// Usage: node fake-provider.mjs PORT MODE, MODE one of: wrong_nonce, other_key, expired, wrong_audience.
// It signs every request in at once and answers the token request with an ID token broken as MODE says.
import http from 'node:http';
import crypto from 'node:crypto';

const [port, mode] = process.argv.slice(2);
const issuer = `http://127.0.0.1:${port}`;
const { publicKey, privateKey } = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
const other = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
const jwk = { ...publicKey.export({ format: 'jwk' }), kid: 'k1', use: 'sig', alg: 'RS256' };
const nonces = new Map();

const b64 = (data) => Buffer.from(data).toString('base64url');
function jwt(payload) {
  const head = b64(JSON.stringify({ alg: 'RS256', kid: 'k1', typ: 'JWT' }));
  const body = b64(JSON.stringify(payload));
  const key = mode === 'other_key' ? other.privateKey : privateKey;
  const signature = crypto.sign('sha256', Buffer.from(`${head}.${body}`), key).toString('base64url');
  return `${head}.${body}.${signature}`;
}

function json(res, status, value) {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(value));
}

http.createServer((req, res) => {
  const url = new URL(req.url, issuer);
  if (url.pathname === '/.well-known/openid-configuration') {
    return json(res, 200, {
      issuer,
      authorization_endpoint: `${issuer}/auth`,
      token_endpoint: `${issuer}/token`,
      userinfo_endpoint: `${issuer}/me`,
      jwks_uri: `${issuer}/jwks`,
      response_types_supported: ['code'],
      subject_types_supported: ['public'],
      id_token_signing_alg_values_supported: ['RS256'],
    });
  }
  if (url.pathname === '/jwks') return json(res, 200, { keys: [jwk] });
  if (url.pathname === '/auth') {
    const code = crypto.randomUUID();
    nonces.set(code, url.searchParams.get('nonce'));
    const back = new URL(url.searchParams.get('redirect_uri'));
    back.searchParams.set('code', code);
    back.searchParams.set('state', url.searchParams.get('state'));
    res.writeHead(303, { location: back.toString() });
    return res.end();
  }
  if (url.pathname === '/token') {
    let body = '';
    req.on('data', (chunk) => { body += chunk; });
    req.on('end', () => {
      const code = new URLSearchParams(body).get('code');
      const now = Math.floor(Date.now() / 1000);
      const claims = {
        iss: issuer,
        sub: 'agent-fautif',
        aud: mode === 'wrong_audience' ? 'un-autre-client' : 'habilis',
        iat: mode === 'expired' ? now - 7200 : now,
        exp: mode === 'expired' ? now - 3600 : now + 600,
        nonce: mode === 'wrong_nonce' ? 'un-autre-nonce' : nonces.get(code),
      };
      json(res, 200, { access_token: 'jeton', token_type: 'Bearer', expires_in: 600, id_token: jwt(claims) });
    });
    return undefined;
  }
  if (url.pathname === '/me') {
    return json(res, 200, { sub: 'agent-fautif', email: 'fautif@exemple.fr', given_name: 'Fautif', usual_name: 'Test', siret: '21690123100011' });
  }
  res.writeHead(404);
  return res.end();
}).listen(Number(port), '127.0.0.1', () => console.log(`ready ${issuer}`));
