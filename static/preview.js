// habilis providers preview: reloads the page when a provider file of the folder is saved
// (the server's version moves on at each reload of the catalog).
(function () {
  var seen = null;
  function look() {
    fetch("/version", { cache: "no-store" })
      .then(function (r) { return r.text(); })
      .then(function (v) {
        if (seen !== null && v !== seen) { window.location.reload(); return; }
        seen = v;
        setTimeout(look, 700);
      })
      .catch(function () { setTimeout(look, 2000); });
  }
  look();
})();
