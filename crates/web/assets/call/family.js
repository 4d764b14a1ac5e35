/* The family's call page, /join/{code}: camera at a modest resolution, the call, mute,
   camera off, audio only (suggested on a weak link), quality, countdown, reconnection. */
(function () {
  var root = document.getElementById('call');
  if (!root) return;
  var t = Jenguk.t, $ = function (id) { return document.getElementById(id); };
  var base = '/join/' + encodeURIComponent(root.dataset.code);
  var startBtn = $('start'), mute = $('mute'), camera = $('camera'), audioOnly = $('audio-only'),
    hangup = $('hangup'), remote = $('remote'), self = $('self'), statusEl = $('call-status'),
    warnEl = $('call-warning'), suggest = $('suggest'), help = $('permission-help');
  var stream = null, call = null, ended = false, poorRuns = 0, lastStats = null, statsTimer = null;
  var remoteStream = new MediaStream();

  function status(s) { statusEl.textContent = s; }
  function pressed(b, on) { b.setAttribute('aria-pressed', on ? 'true' : 'false'); }
  function controls(on) { [mute, camera, audioOnly, hangup].forEach(function (b) { b.hidden = !on; }); startBtn.hidden = on || ended; }

  var VIDEO = { width: { ideal: 640 }, height: { ideal: 360 }, frameRate: { ideal: 15, max: 15 }, facingMode: 'user' };
  async function media() {
    try {
      return await navigator.mediaDevices.getUserMedia({ audio: { echoCancellation: true, noiseSuppression: true, autoGainControl: true }, video: VIDEO });
    } catch (e) {
      if (e && (e.name === 'NotAllowedError' || e.name === 'SecurityError')) help.hidden = false;
      try {
        var s = await navigator.mediaDevices.getUserMedia({ audio: true });
        pressed(audioOnly, true);
        return s;
      } catch (e2) {
        if (e2 && (e2.name === 'NotAllowedError' || e2.name === 'SecurityError')) help.hidden = false;
        throw e2;
      }
    }
  }

  async function start() {
    if (ended) return;
    startBtn.hidden = true; status(t('connecting'));
    try { stream = await media(); } catch (e) {
      status(t('no-camera')); startBtn.hidden = false; return;
    }
    help.hidden = true;
    self.srcObject = stream;
    controls(true);
    call = new Jenguk.Call({
      url: base + '/offer', kind: 'peer', stream: stream, ice: Jenguk.ice(root),
      onTrack: function (i, track) {
        remoteStream.getTracks().filter(function (x) { return x.kind === track.kind; })
          .forEach(function (x) { remoteStream.removeTrack(x); });
        remoteStream.addTrack(track);
        remote.srcObject = remoteStream;
        remote.play().catch(function () {});
      },
      onState: function (s) {
        if (s === 'connected') status(t('connected'));
        else if (s === 'reconnecting' || s === 'disconnected') status(t('reconnecting'));
      },
      onFatal: function (code, j) {
        if (j && (j.error === 'call_ended' || j.error === 'call_cancelled')) finish();
        else { status((j && j.message) || t('error')); stopMedia(); controls(false); }
      },
    });
    window.jengukCall = call;
    call.start();
    clearInterval(statsTimer);
    statsTimer = setInterval(measure, 2000);
  }

  async function measure() {
    if (!call) return;
    var s = await call.stats();
    var q = Jenguk.quality(lastStats, s);
    lastStats = s;
    if (!q) return;
    $('quality-dot').className = 'q ' + q;
    $('quality-text').textContent = t('q-' + q);
    poorRuns = q === 'poor' ? poorRuns + 1 : 0;
    suggest.hidden = !(poorRuns >= 3 && audioOnly.getAttribute('aria-pressed') !== 'true');
  }

  function stopMedia() {
    if (call) call.stop();
    if (stream) stream.getTracks().forEach(function (x) { x.stop(); });
    stream = null; clearInterval(statsTimer);
  }
  function finish() {
    if (ended) return;
    ended = true; stopMedia(); controls(false); startBtn.hidden = true;
    remote.srcObject = null; self.srcObject = null;
    status(t('ended'));
    root.dataset.state = 'ended';
  }

  mute.onclick = function () {
    var on = mute.getAttribute('aria-pressed') !== 'true';
    pressed(mute, on);
    if (stream) stream.getAudioTracks().forEach(function (x) { x.enabled = !on; });
  };
  camera.onclick = function () {
    var on = camera.getAttribute('aria-pressed') !== 'true';
    pressed(camera, on);
    if (stream) stream.getVideoTracks().forEach(function (x) { x.enabled = !on; });
  };
  async function setAudioOnly(on) {
    pressed(audioOnly, on);
    suggest.hidden = true;
    remote.style.visibility = on ? 'hidden' : 'visible';
    var tr = call && call.pc && call.pc.getTransceivers()[1];
    if (on) {
      if (stream) stream.getVideoTracks().forEach(function (x) { x.stop(); stream.removeTrack(x); });
      if (tr) { await tr.sender.replaceTrack(null); await call.limit(false); }
    } else {
      try {
        var v = (await navigator.mediaDevices.getUserMedia({ video: VIDEO })).getVideoTracks()[0];
        if (stream) stream.addTrack(v);
        self.srcObject = stream;
        if (tr) { await tr.sender.replaceTrack(v); await call.limit(true); }
      } catch (e) { pressed(audioOnly, true); status(t('no-camera')); }
    }
  }
  audioOnly.onclick = function () { setAudioOnly(audioOnly.getAttribute('aria-pressed') !== 'true'); };
  $('suggest-audio').onclick = function () { setAudioOnly(true); };
  hangup.onclick = function () {
    stopMedia(); call = null; controls(false); remote.srcObject = null; self.srcObject = null;
    status(t('left'));
  };
  startBtn.onclick = start;

  Jenguk.countdown(base + '/events', $('countdown'), function (w) {
    warnEl.textContent = t('warn-' + w); warnEl.hidden = false;
  }, finish);
})();
