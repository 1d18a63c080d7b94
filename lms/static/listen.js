/* Rawat "Listen": the lesson read aloud by the phone's own speech engine (no data, works offline).
 *
 * Nothing is shown unless the browser offers a voice in the lesson's language (Android phones
 * have an Indonesian one): the control is made here, so without JavaScript the page is as it was.
 * The lesson is read block by block (title, headings, paragraphs, list items, callouts with
 * their headings, table cells) in order; the block being read is highlighted and kept in view.
 * Play/pause, slower/faster, and the place where it stopped is remembered for this lesson.
 * Every word shown comes from the page (data-texts), in the page's language.
 */
(function () {
  "use strict";
  var script = document.querySelector("script[data-rawat-listen]");
  var synth = window.speechSynthesis;
  if (!script || !synth || typeof window.SpeechSynthesisUtterance !== "function") return;
  var texts = JSON.parse(script.getAttribute("data-texts") || "{}");
  var lang = (script.getAttribute("data-lang") || "id").toLowerCase();
  var storageKey = "rawat-listen:" + script.getAttribute("data-key");
  var RATES = [0.6, 0.75, 0.9, 1, 1.15, 1.3, 1.5];
  var BLOCKS = "h1, h2, h3, h4, p, li, th, td";

  function fill(text, values) {
    return String(text || "").replace(/\{(\w+)\}/g, function (_m, name) { return values[name]; });
  }

  function findVoice() {
    var voices = synth.getVoices() || [];
    var matching = voices.filter(function (v) {
      return String(v.lang || "").toLowerCase().replace("_", "-").split("-")[0] === lang;
    });
    // a voice on the phone itself reads without signal; a network voice would cost data
    var local = matching.filter(function (v) { return v.localService; });
    return local[0] || matching[0] || null;
  }

  /* The text of a block, without the blocks inside it (a list item's nested list is read on its own). */
  function ownText(el) {
    var parts = [];
    el.childNodes.forEach(function (node) {
      if (node.nodeType === 3) parts.push(node.textContent);
      else if (node.nodeType === 1 && !(node.matches(BLOCKS) || node.querySelector(BLOCKS))) {
        parts.push(node.tagName === "IMG" ? (node.getAttribute("alt") || "") : node.textContent);
      }
    });
    return parts.join(" ").replace(/\s+/g, " ").trim();
  }

  function blocksOf(article, body) {
    var list = [];
    var title = article.querySelector("h1");
    if (title) list.push(title);
    body.querySelectorAll(BLOCKS).forEach(function (el) { list.push(el); });
    return list.map(function (el) { return { el: el, text: ownText(el) }; })
      .filter(function (block) { return block.text; });
  }

  function button(text, name) {
    var b = document.createElement("button");
    b.type = "button";
    b.className = "button small";
    b.setAttribute("data-listen", name);
    b.textContent = text;
    return b;
  }

  function remembered() {
    try {
      var saved = JSON.parse(window.localStorage.getItem(storageKey) || "null");
      return saved && typeof saved.index === "number" ? saved : null;
    } catch (error) {
      return null;
    }
  }

  function remember(index, rate) {
    try {
      window.localStorage.setItem(storageKey, JSON.stringify({ index: index, rate: rate }));
    } catch (error) { /* private mode or full storage: the place is simply not kept */ }
  }

  function setUp(voice) {
    var article = document.querySelector("article.lesson");
    var body = article && article.querySelector(".lesson-body");
    if (!body || document.querySelector(".listen")) return;
    var blocks = blocksOf(article, body);
    if (!blocks.length) return;
    var saved = remembered();
    var index = saved && saved.index < blocks.length ? saved.index : 0;
    var rateIndex = saved && RATES.indexOf(saved.rate) >= 0 ? RATES.indexOf(saved.rate) : RATES.indexOf(1);
    var playing = false;
    var turn = 0;  // each utterance belongs to a turn; a cancelled one's late events are ignored

    var panel = document.createElement("section");
    panel.className = "listen";
    panel.setAttribute("aria-label", texts.title);
    var hint = document.createElement("p");
    hint.className = "hint listen-hint";
    hint.textContent = texts.hint;
    var row = document.createElement("div");
    row.className = "listen-row";
    var play = button(texts.listen, "play");
    play.classList.add("primary");
    var restart = button(texts.restart, "restart");
    var slower = button(texts.slower, "slower");
    var faster = button(texts.faster, "faster");
    var speed = document.createElement("span");
    speed.className = "listen-speed";
    var status = document.createElement("p");
    status.className = "hint listen-status";
    status.setAttribute("role", "status");
    row.append(play, restart, slower, faster, speed);
    panel.append(hint, row, status);
    article.insertBefore(panel, body);

    function rate() { return RATES[rateIndex]; }

    function show() {
      play.textContent = playing ? texts.pause : (index > 0 ? texts.resume : texts.listen);
      play.setAttribute("aria-pressed", playing ? "true" : "false");
      restart.hidden = index === 0 && !playing;
      slower.disabled = rateIndex === 0;
      faster.disabled = rateIndex === RATES.length - 1;
      speed.textContent = fill(texts.speed, { rate: String(rate()).replace(".", texts.decimal || ".") + "×" });
      panel.classList.toggle("is-playing", playing);
    }

    function highlight(i) {
      blocks.forEach(function (block, n) { block.el.classList.toggle("listen-current", n === i && playing); });
      if (playing && blocks[i]) {
        var still = window.matchMedia && window.matchMedia("(prefers-reduced-motion: reduce)").matches;
        blocks[i].el.scrollIntoView({ block: "center", behavior: still ? "auto" : "smooth" });
      }
    }

    function speak() {
      turn += 1;
      var mine = turn;
      if (index >= blocks.length) {
        playing = false;
        index = 0;
        remember(0, rate());
        highlight(-1);
        status.textContent = texts.finished;
        show();
        return;
      }
      var utterance = new window.SpeechSynthesisUtterance(blocks[index].text);
      utterance.voice = voice;
      utterance.lang = voice.lang;
      utterance.rate = rate();
      utterance.onend = function () {
        if (mine !== turn || !playing) return;
        index += 1;
        remember(index, rate());
        speak();
      };
      utterance.onerror = function (event) {
        if (mine !== turn || !playing || event.error === "interrupted" || event.error === "canceled") return;
        playing = false;
        highlight(-1);
        show();
      };
      highlight(index);
      status.textContent = fill(texts.reading, { part: index + 1, total: blocks.length });
      remember(index, rate());
      show();
      synth.speak(utterance);
    }

    function stop() {
      playing = false;
      turn += 1;
      synth.cancel();
      highlight(-1);
      status.textContent = fill(texts.paused, { part: index + 1, total: blocks.length });
      show();
    }

    play.addEventListener("click", function () {
      if (playing) { stop(); return; }
      playing = true;
      synth.cancel();
      speak();
    });
    restart.addEventListener("click", function () {
      index = 0;
      remember(0, rate());
      playing = true;
      synth.cancel();
      speak();
    });
    function changeRate(step) {
      rateIndex = Math.max(0, Math.min(RATES.length - 1, rateIndex + step));
      remember(index, rate());
      if (playing) {  // read the current block again at the new speed
        synth.cancel();
        speak();
      } else {
        show();
      }
    }
    slower.addEventListener("click", function () { changeRate(-1); });
    faster.addEventListener("click", function () { changeRate(1); });
    window.addEventListener("pagehide", function () { if (playing) synth.cancel(); });
    show();
  }

  function tryNow() {
    var voice = findVoice();
    if (voice) setUp(voice);
    return Boolean(voice);
  }

  function start() {
    if (tryNow()) return;
    // many browsers list their voices a moment after the page loads
    if (typeof synth.addEventListener === "function") {
      synth.addEventListener("voiceschanged", function once() {
        if (tryNow()) synth.removeEventListener("voiceschanged", once);
      });
    }
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
