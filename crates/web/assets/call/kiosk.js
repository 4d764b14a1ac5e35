/* The booth kiosk: pairing code until paired, then the idle screen (facility, time, next
   visit), the call joined by itself at the start, the countdown, back to idle at the end.
   Polls /kiosk/state every 15 s (the heartbeat) and retries with backoff when the network or
   the server is down; the device token is in an HttpOnly cookie, so a reload rejoins. */
(function () {
  var root = document.getElementById('kiosk');
  if (!root) return;
  var t = Jenguk.t, $ = function (id) { return document.getElementById(id); };
  var POLL = 15000;
  var statusEl = $('status'), skew = 0, tz = null, timer = null, failures = 0;
  var active = null; /* { visit, call, countdown, stream } */

  function status(s) { statusEl.textContent = s; statusEl.hidden = !s; }
  function show(id, on) { var el = $(id); if (el) el.hidden = !on; }
  function schedule(ms) { clearTimeout(timer); timer = setTimeout(poll, ms); }

  function tick() {
    if (!tz) return;
    try {
      $('clock').textContent = new Intl.DateTimeFormat(document.documentElement.lang || 'id',
        { hour: '2-digit', minute: '2-digit', timeZone: tz }).format(new Date(Date.now() + skew));
    } catch (e) { /* keep the last */ }
  }
  setInterval(tick, 1000);

  async function poll() {
    var res;
    try {
      res = await fetch('/kiosk/state', { credentials: 'same-origin', cache: 'no-store' });
    } catch (e) { return offline(); }
    if (res.status === 401) { setTimeout(function () { location.reload(); }, 3000); return; }
    if (!res.ok) return offline();
    var s = await res.json().catch(function () { return null; });
    if (!s) return offline();
    if (failures) status('');
    failures = 0;
    skew = s.now - Date.now();
    if (!s.paired) {
      show('pairing', true); show('idle', false);
      if (s.pairing_code) $('pairing-code').textContent = s.pairing_code;
      return schedule(5000);
    }
    show('pairing', false);
    if (!active) show('idle', true);
    $('facility').textContent = s.facility + (s.booth ? ' — ' + s.booth : '');
    tz = s.time_zone; tick();
    var n = s.next;
    $('next').textContent = n ? n.label : t('no-visit');
    if (n && !active && s.now >= n.start_at && s.now < n.ends_at) join(n.visit_id);
    var wait = POLL;
    if (n && !active && n.start_at > s.now) wait = Math.max(500, Math.min(POLL, n.start_at - s.now + 200));
    schedule(wait);
  }
  function offline() {
    failures++;
    status(t('offline'));
    schedule(Math.min(30000, 1000 * Math.pow(2, failures)));
  }

  async function camera() {
    for (var i = 0; ; i++) {
      try {
        return await navigator.mediaDevices.getUserMedia({ audio: { echoCancellation: true, noiseSuppression: true },
          video: { width: { ideal: 1280 }, height: { ideal: 720 }, frameRate: { ideal: 15, max: 15 } } });
      } catch (e) {
        status(t('connecting'));
        await new Promise(function (r) { setTimeout(r, Math.min(10000, 1000 * (i + 1))); });
        if (!active) return null;
      }
    }
  }

  async function join(visit) {
    var a = active = { visit: visit, call: null, countdown: null, stream: null };
    show('idle', false); show('call', true); $('call-warning').hidden = true;
    status(t('connecting'));
    a.countdown = Jenguk.countdown('/kiosk/events?visit=' + visit, $('countdown'), function (w) {
      $('call-warning').textContent = t('warn-' + w); $('call-warning').hidden = false;
    }, function () { end(a); });
    var stream = await camera();
    if (active !== a || !stream) { if (stream) stream.getTracks().forEach(function (x) { x.stop(); }); return; }
    a.stream = stream;
    $('self').srcObject = stream;
    var remote = new MediaStream();
    a.call = new Jenguk.Call({
      url: '/kiosk/offer', kind: 'peer', stream: stream, body: { visit_id: visit }, ice: Jenguk.ice(root),
      maxBitrate: 800000,
      onTrack: function (i, track) {
        remote.getTracks().filter(function (x) { return x.kind === track.kind; })
          .forEach(function (x) { remote.removeTrack(x); });
        remote.addTrack(track);
        $('remote').srcObject = remote;
        $('remote').play().catch(function () {});
      },
      onState: function (s) {
        if (s === 'connected') status(t('connected'));
        else if (s === 'reconnecting' || s === 'disconnected') status(t('reconnecting'));
      },
      onFatal: function () { end(a); },
    });
    window.jengukCall = a.call;
    a.call.start();
  }

  function end(a) {
    if (active !== a) return;
    active = null;
    if (a.call) a.call.stop();
    if (a.countdown) a.countdown.close();
    if (a.stream) a.stream.getTracks().forEach(function (x) { x.stop(); });
    $('remote').srcObject = null; $('self').srcObject = null;
    show('call', false); show('idle', true);
    status(t('ended'));
    root.dataset.ended = String(a.visit);
    schedule(2000);
  }

  poll();
})();
