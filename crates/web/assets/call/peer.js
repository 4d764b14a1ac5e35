/* Jenguk calls (shared by the family page, the kiosk and the monitor page): one
   RTCPeerConnection per join with the fixed m-lines the relay expects (a peer: audio then
   video, sendrecv; a monitor: four recvonly), the offer/answer over one HTTP POST, a new
   offer with backoff when the connection fails, link statistics, and the countdown driven by
   the server's clock. No framework. */
'use strict';
var Jenguk = (function () {
  function t(key) {
    var el = document.querySelector('[data-t="' + key + '"]');
    return el ? el.textContent : '';
  }
  function ice(el) {
    try { return JSON.parse((el && el.dataset.ice) || '[]'); } catch (e) { return []; }
  }

  /* opts: url, body, kind ('peer' | 'monitor'), stream, ice, maxBitrate,
     onTrack(index, track), onState(state), onFatal(status, json), onAnswer(json) */
  function Call(opts) {
    this.o = opts; this.pc = null; this.stopped = true; this.attempt = 0; this.gen = 0;
  }
  Call.prototype.start = function () {
    this.stopped = false; this.attempt = 0; this.connect();
  };
  Call.prototype.stop = function () {
    this.stopped = true; this.gen++;
    if (this.pc) { this.pc.close(); this.pc = null; }
  };
  Call.prototype.state = function (s) { if (this.o.onState) this.o.onState(s); };
  Call.prototype.connect = async function () {
    var self = this, o = this.o, gen = ++this.gen;
    if (this.pc) { this.pc.close(); this.pc = null; }
    var pc = new RTCPeerConnection({ iceServers: o.ice || [], bundlePolicy: 'max-bundle', rtcpMuxPolicy: 'require' });
    this.pc = pc;
    if (o.kind === 'monitor') {
      ['audio', 'video', 'audio', 'video'].forEach(function (k) { pc.addTransceiver(k, { direction: 'recvonly' }); });
    } else {
      var s = o.stream, streams = s ? [s] : [];
      var a = s && s.getAudioTracks()[0], v = s && s.getVideoTracks()[0];
      pc.addTransceiver(a || 'audio', { direction: 'sendrecv', streams: streams });
      pc.addTransceiver(v || 'video', { direction: 'sendrecv', streams: streams,
        sendEncodings: [{ maxBitrate: o.maxBitrate || 400000, maxFramerate: 15 }] });
    }
    pc.ontrack = function (e) {
      if (gen === self.gen && o.onTrack) o.onTrack(pc.getTransceivers().indexOf(e.transceiver), e.track);
    };
    var down = null;
    pc.onconnectionstatechange = function () {
      if (gen !== self.gen) return;
      var st = pc.connectionState;
      self.state(st);
      clearTimeout(down);
      if (st === 'connected') self.attempt = 0;
      else if (st === 'failed') self.retry(gen);
      else if (st === 'disconnected') {
        down = setTimeout(function () { if (pc.connectionState !== 'connected') self.retry(gen); }, 3000);
      }
    };
    try {
      await pc.setLocalDescription(await pc.createOffer());
      var body = Object.assign({}, o.body || {}, { sdp: pc.localDescription.sdp });
      var res = await fetch(o.url, { method: 'POST', credentials: 'same-origin',
        headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
      var j = await res.json().catch(function () { return {}; });
      if (gen !== self.gen) return;
      if (!res.ok) {
        if (res.status >= 500 && res.status !== 503) throw new Error('server ' + res.status);
        self.stop();
        if (o.onFatal) o.onFatal(res.status, j);
        return;
      }
      if (o.onAnswer) o.onAnswer(j);
      await pc.setRemoteDescription({ type: 'answer', sdp: j.sdp });
      if (o.kind !== 'monitor') self.limit();
    } catch (e) {
      if (gen === self.gen) self.retry(gen);
    }
  };
  /* A modest start for weak networks: 640x360 at 15 fps, ~400 kbit/s. */
  Call.prototype.limit = function (active) {
    var tr = this.pc && this.pc.getTransceivers()[1];
    if (!tr || !tr.sender) return Promise.resolve();
    var p = tr.sender.getParameters();
    if (!p.encodings || !p.encodings.length) p.encodings = [{}];
    p.encodings[0].maxBitrate = this.o.maxBitrate || 400000;
    p.encodings[0].maxFramerate = 15;
    if (active !== undefined) p.encodings[0].active = active;
    return tr.sender.setParameters(p).catch(function () {});
  };
  Call.prototype.retry = function (gen) {
    var self = this;
    if (this.stopped || gen !== this.gen) return;
    var g = ++this.gen;
    if (this.pc) { this.pc.close(); this.pc = null; }
    this.state('reconnecting');
    var delay = Math.min(8000, 500 * Math.pow(2, this.attempt++)) * (0.75 + Math.random() / 2);
    setTimeout(function () { if (!self.stopped && g === self.gen) self.connect(); }, delay);
  };
  /* Totals of what is received: bytes, audio bytes, video frames decoded, loss, RTT. */
  Call.prototype.stats = async function () {
    if (!this.pc) return null;
    var out = { t: Date.now(), bytes: 0, audioBytes: 0, frames: 0, lost: 0, packets: 0, rtt: null };
    (await this.pc.getStats()).forEach(function (s) {
      if (s.type === 'inbound-rtp') {
        out.bytes += s.bytesReceived || 0; out.lost += s.packetsLost || 0; out.packets += s.packetsReceived || 0;
        if (s.kind === 'audio') out.audioBytes += s.bytesReceived || 0; else out.frames += s.framesDecoded || 0;
      }
      if (s.type === 'candidate-pair' && s.state === 'succeeded' && s.currentRoundTripTime != null) out.rtt = s.currentRoundTripTime;
    });
    return out;
  };
  /* good / fair / poor from two samples of stats(). */
  function quality(a, b) {
    if (!a || !b || b.t <= a.t) return null;
    var kbps = (b.bytes - a.bytes) * 8 / (b.t - a.t);
    var got = b.packets - a.packets, lost = Math.max(0, b.lost - a.lost);
    var loss = got + lost > 0 ? lost / (got + lost) : 0;
    if (loss > 0.08 || kbps < 40 || (b.rtt || 0) > 0.8) return 'poor';
    if (loss > 0.03 || kbps < 150 || (b.rtt || 0) > 0.4) return 'fair';
    return 'good';
  }

  function two(n) { return (n < 10 ? '0' : '') + n; }
  /* The countdown from the server's events: the end and the clock are the server's. */
  function countdown(url, el, onWarn, onEnd) {
    var endsAt = null, skew = 0, done = false, es = new EventSource(url);
    function render() {
      if (endsAt === null) return;
      var left = Math.max(0, Math.ceil((endsAt - (Date.now() + skew)) / 1000));
      el.textContent = two(Math.floor(left / 60)) + ':' + two(left % 60);
    }
    var timer = setInterval(render, 250);
    function on(ev) {
      var d; try { d = JSON.parse(ev.data); } catch (e) { return; }
      skew = d.now - Date.now(); endsAt = d.ends_at; render();
      if (d.warning && onWarn) onWarn(d.warning);
      if (ev.type === 'ended' && !done) {
        done = true; es.close(); clearInterval(timer); el.textContent = '00:00';
        if (onEnd) onEnd(d);
      }
    }
    es.addEventListener('tick', on);
    es.addEventListener('ended', on);
    return {
      close: function () { done = true; es.close(); clearInterval(timer); },
      endsAt: function () { return endsAt; },
    };
  }

  return { t: t, ice: ice, Call: Call, quality: quality, countdown: countdown };
})();
