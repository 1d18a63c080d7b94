/* Rawat: record a lesson's narration with the phone's microphone, on the trainer's upload form.
 *
 * The recording is put into the form's file field, so the same form sends it as if it had been
 * chosen from the phone; without JavaScript (or without a microphone) the file field works alone.
 * Every word shown comes from the page (data-texts), in the page's language.
 */
(function () {
  "use strict";
  var script = document.querySelector("script[data-rawat-record]");
  var box = document.querySelector("[data-recorder]");
  if (!script || !box) return;
  var form = box.closest("form");
  var input = form && form.querySelector('input[type="file"]');
  var media = navigator.mediaDevices;
  if (!input || !media || !media.getUserMedia || typeof window.MediaRecorder !== "function") return;
  try { new DataTransfer(); } catch (error) { return; }  // the file field cannot be filled here
  var texts = JSON.parse(script.getAttribute("data-texts") || "{}");
  var maxSeconds = Number(script.getAttribute("data-max-seconds")) || 1200;
  var TYPES = [["audio/webm;codecs=opus", "webm"], ["audio/ogg;codecs=opus", "ogg"], ["audio/mp4", "m4a"],
               ["audio/webm", "webm"]];

  function clock(seconds) {
    var s = Math.floor(seconds);
    return Math.floor(s / 60) + ":" + String(s % 60).padStart(2, "0");
  }

  var intro = document.createElement("p");
  intro.className = "hint";
  intro.textContent = texts.intro;
  var toggle = document.createElement("button");
  toggle.type = "button";
  toggle.className = "button";
  toggle.textContent = texts.start;
  var status = document.createElement("p");
  status.className = "recorder-time";
  status.setAttribute("role", "status");
  var preview = document.createElement("audio");
  preview.controls = true;
  preview.hidden = true;
  preview.setAttribute("aria-label", texts.preview);
  box.append(intro, toggle, status, preview);
  box.hidden = false;

  var recorder = null, stream = null, chunks = [], started = 0, timer = null, previewUrl = null;

  function finish() {
    clearInterval(timer);
    if (stream) stream.getTracks().forEach(function (track) { track.stop(); });
    stream = null;
  }

  function stop() {
    if (recorder && recorder.state !== "inactive") recorder.stop();
  }

  toggle.addEventListener("click", function () {
    if (recorder && recorder.state === "recording") { stop(); return; }
    media.getUserMedia({ audio: { channelCount: 1, echoCancellation: true, noiseSuppression: true } })
      .then(function (s) {
        stream = s;
        var type = TYPES.filter(function (t) { return window.MediaRecorder.isTypeSupported(t[0]); })[0];
        recorder = new window.MediaRecorder(stream, type ? { mimeType: type[0], audioBitsPerSecond: 32000 } : {});
        var extension = type ? type[1] : "webm";
        chunks = [];
        recorder.addEventListener("dataavailable", function (event) { if (event.data.size) chunks.push(event.data); });
        recorder.addEventListener("stop", function () {
          finish();
          var seconds = (Date.now() - started) / 1000;
          var blob = new Blob(chunks, { type: recorder.mimeType || (type && type[0]) || "audio/webm" });
          var file = new File([blob], "rekaman." + extension, { type: blob.type.split(";")[0] });
          var transfer = new DataTransfer();
          transfer.items.add(file);
          input.files = transfer.files;
          if (previewUrl) URL.revokeObjectURL(previewUrl);
          previewUrl = URL.createObjectURL(blob);
          preview.src = previewUrl;
          preview.hidden = false;
          toggle.textContent = texts.again;
          status.textContent = texts.ready.replace("{time}", clock(seconds));
        });
        started = Date.now();
        recorder.start(1000);
        toggle.textContent = texts.stop;
        status.textContent = texts.recording.replace("{time}", clock(0));
        timer = setInterval(function () {
          var seconds = (Date.now() - started) / 1000;
          status.textContent = texts.recording.replace("{time}", clock(seconds));
          if (seconds >= maxSeconds) stop();
        }, 500);
      })
      .catch(function () {
        finish();
        status.textContent = texts.denied;
      });
  });
})();
