// The offline check of a journalist's badge (shailoo, i16-badges). The page carries the CEC's
// Ed25519 public key; the badge's QR code carries `SHB1.<claims>.<signature>` (base64url),
// the signature over the bytes `SHB1.<claims>`. WebCrypto checks it, so no connection is
// needed; the revocation list of the badge's election is fetched whenever the page is online
// and remembered in localStorage. A service worker keeps this page for use offline.
(function () {
  'use strict';
  var root = document.getElementById('badge-verify');
  if (!root) { return; }
  var LIST = 'shailoo-badges-revoked:';
  var $ = function (id) { return document.getElementById(id); };
  var msg = function (name) { return root.dataset['msg' + name] || ''; };

  function fromBase64url(s) {
    if (!/^[A-Za-z0-9_-]*$/.test(s)) { throw new Error('not base64url'); }
    s = s.replace(/-/g, '+').replace(/_/g, '/');
    while (s.length % 4) { s += '='; }
    var bin = atob(s);
    var bytes = new Uint8Array(bin.length);
    for (var i = 0; i < bin.length; i++) { bytes[i] = bin.charCodeAt(i); }
    return bytes;
  }

  function fromHex(h) {
    var bytes = new Uint8Array(h.length / 2);
    for (var i = 0; i < bytes.length; i++) { bytes[i] = parseInt(h.substr(2 * i, 2), 16); }
    return bytes;
  }

  var key = null;
  function publicKey() {
    if (!key) {
      key = crypto.subtle.importKey('raw', fromHex(root.dataset.key), { name: 'Ed25519' }, false, ['verify']);
    }
    return key;
  }

  function remembered(election) {
    try { return JSON.parse(localStorage.getItem(LIST + election) || 'null'); } catch (e) { return null; }
  }

  // The election's revocation list: fresh when online, else the one remembered (or none).
  function revocations(election) {
    var url = '/api/v1/elections/' + encodeURIComponent(election) + '/media/badges/revoked';
    return fetch(url, { cache: 'no-store' }).then(function (r) {
      if (!r.ok) { throw new Error('status ' + r.status); }
      return r.json();
    }).then(function (list) {
      var kept = { at: new Date().toISOString(), badges: list.revoked.map(function (x) { return x.badge; }) };
      try { localStorage.setItem(LIST + election, JSON.stringify(kept)); } catch (e) { /* full: keep going */ }
      return kept;
    }).catch(function () { return remembered(election); });
  }

  function show(verdict, text, claims, list) {
    $('badge-result').hidden = false;
    var v = $('badge-verdict');
    v.className = 'verdict verdict-' + verdict;
    v.dataset.verdict = verdict;
    v.textContent = text;
    $('badge-name').textContent = claims ? claims.n : '';
    $('badge-outlet').textContent = claims ? claims.o : '';
    $('badge-election').textContent = claims ? claims.e : '';
    $('badge-number').textContent = claims ? String(claims.b) : '';
    $('badge-issued').textContent = claims ? new Date(claims.at * 1000).toLocaleString() : '';
    $('badge-list').textContent = !claims ? '' : list
      ? msg('ListAt').replace('{at}', new Date(list.at).toLocaleString())
      : msg('ListNone');
  }

  function check(text) {
    var parts = text.trim().split('.');
    if (parts.length !== 3 || parts[0] !== 'SHB1') { show('malformed', msg('Malformed')); return Promise.resolve(); }
    var signature;
    try { signature = fromBase64url(parts[2]); } catch (e) { show('malformed', msg('Malformed')); return Promise.resolve(); }
    var signed = new TextEncoder().encode(parts[0] + '.' + parts[1]);
    return publicKey().then(function (k) {
      return crypto.subtle.verify({ name: 'Ed25519' }, k, signature, signed);
    }).then(function (ok) {
      if (!ok) { show('forged', msg('Forged')); return; }
      // Signed by the CEC: the claims are the CEC's own JSON.
      var claims = JSON.parse(new TextDecoder().decode(fromBase64url(parts[1])));
      return revocations(claims.e).then(function (list) {
        var revoked = list && list.badges.indexOf(claims.b) >= 0;
        show(revoked ? 'revoked' : 'valid', revoked ? msg('Revoked') : msg('Valid'), claims, list);
      });
    }).catch(function () { show('malformed', msg('Malformed')); });
  }

  $('badge-check').addEventListener('click', function () { check($('badge-payload').value); });

  // The camera, where the browser can read QR codes itself.
  if ('BarcodeDetector' in window && navigator.mediaDevices) {
    var scan = $('badge-scan');
    scan.hidden = false;
    scan.addEventListener('click', function () {
      var video = $('badge-camera');
      var detector = new window.BarcodeDetector({ formats: ['qr_code'] });
      navigator.mediaDevices.getUserMedia({ video: { facingMode: 'environment' } }).then(function (stream) {
        video.srcObject = stream;
        video.hidden = false;
        return video.play().then(function () {
          var look = function () {
            detector.detect(video).then(function (codes) {
              if (codes.length) {
                stream.getTracks().forEach(function (t) { t.stop(); });
                video.hidden = true;
                $('badge-payload').value = codes[0].rawValue;
                check(codes[0].rawValue);
              } else { setTimeout(look, 250); }
            }).catch(function () { setTimeout(look, 250); });
          };
          look();
        });
      }).catch(function () { $('badge-offline').textContent = msg('CameraFailed'); });
    });
  }

  // Kept for offline use; the lists already remembered are refreshed while online.
  if ('serviceWorker' in navigator) {
    navigator.serviceWorker.register('/media/badges/sw.js', { scope: '/media/badges/' }).catch(function () {});
    navigator.serviceWorker.ready.then(function () {
      var status = $('badge-offline');
      status.textContent = msg('OfflineReady');
      status.dataset.ready = 'true';
    });
  }
  for (var i = 0; i < localStorage.length; i++) {
    var k = localStorage.key(i);
    if (k && k.indexOf(LIST) === 0) { revocations(k.slice(LIST.length)); }
  }
}());
