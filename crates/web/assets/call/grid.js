/* Staff live-call grid (/staff/monitor): keeps the list of calls in step with
   /staff/monitor/calls every few seconds, ticks each call's time left by the server's clock,
   and lets the officer watch up to data-max calls at once (each a receive-only connection
   through the watch page's offer endpoint: four recvonly m-lines, family audio, family video,
   kiosk audio, kiosk video; a legal visit gets no audio). No framework. */
(function () {
  var grid = document.getElementById('grid');
  if (!grid) return;
  var t = Jenguk.t, max = +grid.dataset.max || 4, csrf = grid.dataset.csrf;
  var skew = (+grid.dataset.now || Date.now()) - Date.now();
  var watching = {};
  var tpl = document.getElementById('tile-template');
  var none = document.getElementById('no-calls'), gridStatus = document.getElementById('grid-status');
  var POLL = 4000;

  function two(n) { return (n < 10 ? '0' : '') + n; }
  function q(tile, sel) { return tile.querySelector(sel); }
  function say(tile, text) { var el = q(tile, '.watch-status'); if (el) el.textContent = text; }
  function count() { return Object.keys(watching).length; }

  function tick() {
    var now = Date.now() + skew;
    Array.prototype.forEach.call(grid.querySelectorAll('.tile'), function (tile) {
      var left = Math.max(0, Math.ceil((+tile.dataset.ends - now) / 1000));
      var el = q(tile, '.left');
      if (el) el.textContent = two(Math.floor(left / 60)) + ':' + two(left % 60);
    });
  }

  function media(tile) {
    return ['.family-audio', '.family-video', '.kiosk-audio', '.kiosk-video'].map(function (s) { return q(tile, s); });
  }

  function stop(tile) {
    var id = tile.dataset.visit, call = watching[id];
    if (call) call.stop();
    delete watching[id];
    media(tile).forEach(function (el) { if (el) { el.srcObject = null; if (el.tagName === 'AUDIO') el.muted = true; } });
    q(tile, '.video').hidden = true;
    var btn = q(tile, '.watch'), sound = q(tile, '.sound');
    btn.setAttribute('aria-pressed', 'false'); btn.textContent = t('watch');
    if (sound) { sound.hidden = true; sound.setAttribute('aria-pressed', 'false'); sound.textContent = t('sound-on'); }
  }

  function start(tile) {
    var id = tile.dataset.visit;
    if (count() >= max) { say(tile, t('limit')); return; }
    var targets = media(tile), btn = q(tile, '.watch'), sound = q(tile, '.sound');
    var call = new Jenguk.Call({
      url: '/staff/monitor/' + encodeURIComponent(id) + '/offer',
      kind: 'monitor', body: { csrf: csrf }, ice: Jenguk.ice(grid),
      onTrack: function (i, track) {
        var el = targets[i];
        if (!el) return;
        el.srcObject = new MediaStream([track]);
        el.play().catch(function () {});
      },
      onState: function (s) {
        if (s === 'connected') say(tile, t('live'));
        else if (s === 'reconnecting') say(tile, t('reconnecting'));
      },
      onFatal: function (code, j) {
        stop(tile);
        say(tile, (j && j.message) || t('ended'));
      },
    });
    watching[id] = call;
    q(tile, '.video').hidden = false;
    btn.setAttribute('aria-pressed', 'true'); btn.textContent = t('stop');
    if (sound) sound.hidden = false;
    say(tile, t('connecting'));
    call.start();
  }

  function setup(tile) {
    var btn = q(tile, '.watch'), sound = q(tile, '.sound');
    btn.hidden = false;
    btn.addEventListener('click', function () {
      if (watching[tile.dataset.visit]) { stop(tile); say(tile, ''); } else start(tile);
    });
    if (sound) {
      sound.addEventListener('click', function () {
        var on = sound.getAttribute('aria-pressed') !== 'true';
        [q(tile, '.family-audio'), q(tile, '.kiosk-audio')].forEach(function (el) { el.muted = !on; });
        sound.setAttribute('aria-pressed', on ? 'true' : 'false');
        sound.textContent = t(on ? 'sound-off' : 'sound-on');
      });
    }
  }

  function fill(tile, c) {
    tile.dataset.ends = c.ends_at;
    q(tile, '.status-label').textContent = c.status_label;
    q(tile, '.ends-clock').textContent = c.ends_clock;
    q(tile, '.conn-family').textContent = t(c.family ? 'connected' : 'not-connected');
    q(tile, '.conn-kiosk').textContent = t(c.kiosk ? 'connected' : 'not-connected');
  }

  function add(c) {
    var tile = tpl.content.firstElementChild.cloneNode(true), id = String(c.visit_id);
    tile.id = 'call-' + id;
    tile.dataset.visit = id;
    tile.dataset.legal = String(c.legal);
    q(tile, '.inmate').textContent = c.inmate;
    q(tile, '.booth').textContent = c.booth;
    q(tile, '.kind').textContent = c.kind;
    q(tile, '.legal-note').hidden = !c.legal;
    if (c.legal) { var s = q(tile, '.sound'); if (s) s.remove(); }
    q(tile, '.open').href = '/staff/monitor/' + id;
    q(tile, '.end-form').action = '/staff/monitor/' + id + '/end';
    q(tile, '.reason-label').htmlFor = 'reason-' + id;
    q(tile, 'input[name=reason]').id = 'reason-' + id;
    fill(tile, c);
    grid.appendChild(tile);
    setup(tile);
    return tile;
  }

  async function refresh() {
    try {
      var res = await fetch('/staff/monitor/calls', { credentials: 'same-origin', headers: { accept: 'application/json' } });
      if (!res.ok) throw new Error('status ' + res.status);
      var j = await res.json();
      skew = j.now - Date.now();
      var seen = {};
      j.calls.forEach(function (c) {
        var id = String(c.visit_id);
        seen[id] = true;
        fill(document.getElementById('call-' + id) || add(c), c);
      });
      Array.prototype.forEach.call(grid.querySelectorAll('.tile'), function (tile) {
        if (seen[tile.dataset.visit]) return;
        if (tile.querySelector('details[open] input:focus')) return;
        stop(tile);
        tile.remove();
      });
      none.hidden = j.calls.length > 0;
      gridStatus.textContent = '';
      tick();
    } catch (e) {
      gridStatus.textContent = t('offline');
    }
    setTimeout(refresh, POLL);
  }

  Array.prototype.forEach.call(grid.querySelectorAll('.tile'), setup);
  tick();
  setInterval(tick, 500);
  setTimeout(refresh, POLL);
  window.jengukGrid = { watching: watching, refresh: refresh };
})();
