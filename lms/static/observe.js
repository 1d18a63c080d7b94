/* Rawat observations without signal, for care managers on home visits.
 * The group's observation page offers "Save for offline use", saved by offline.js as a course is:
 * its pages go into the same cache as saved lessons (the service worker, /sw.js, serves them without
 * signal and deletes them on sign-out). A record form sent without signal is kept on the phone (IndexedDB "rawat-observations")
 * with a fresh id and the time it was made; pages send what waits when the signal is back, and the
 * server records each id once however often it arrives. Everything works without this script,
 * only not offline.
 */
(function () {
  "use strict";
  var script = document.querySelector("script[data-rawat-observe]");
  if (!script || !window.RawatOffline) return;  // offline.js (every page) gives the storage helpers
  var texts = JSON.parse(script.getAttribute("data-texts") || "{}");
  var supported = "serviceWorker" in navigator && "caches" in window && "indexedDB" in window && window.isSecureContext;
  var statusBox = null;

  function meta(name) {
    var el = document.querySelector('meta[name="' + name + '"]');
    return el ? el.getAttribute("content") : "";
  }

  function say(text, kind) {
    // offline.js (lessons) may have said "you are offline" already: one message, this page's
    if (!statusBox) statusBox = document.querySelector(".offline-flash");
    if (!statusBox) {
      statusBox = document.createElement("p");
      statusBox.setAttribute("role", "status");
      var main = document.getElementById("main");
      main.insertBefore(statusBox, main.firstChild);
    }
    statusBox.className = "flash offline-flash" + (kind ? " flash-" + kind : "");
    statusBox.textContent = text;
  }

  /* The observations waiting on the phone, one record each (keyPath "id", the id the server keeps). */
  var newId = window.RawatOffline.newId;
  var withStore = window.RawatOffline.storeIn("rawat-observations", "waiting");
  function allWaiting() {
    return withStore("readonly", function (store, out) {
      var req = store.getAll();
      req.onsuccess = function () { out.value = req.result; };
    });
  }
  function put(records) {
    return withStore("readwrite", function (store) { records.forEach(function (r) { store.put(r); }); });
  }
  function remove(ids) {
    return withStore("readwrite", function (store) { ids.forEach(function (id) { store.delete(id); }); });
  }

  /* ---- The record form: kept on the phone when there is no signal ---- */
  function readForm(form) {
    var steps = {}, missing = false, criticalMissed = false;
    var names = {};
    form.querySelectorAll('input[type="radio"][name^="step_"]').forEach(function (input) { names[input.name] = input; });
    Object.keys(names).forEach(function (name) {
      var chosen = form.querySelector('input[name="' + name + '"]:checked');
      if (!chosen) { missing = true; return; }
      steps[name.slice(5)] = chosen.value;
      if (chosen.getAttribute("data-critical") === "1" && chosen.value !== "done") criticalMissed = true;
    });
    var result = form.querySelector('input[name="result"]:checked');
    var place = form.querySelector('input[name="place"]:checked');
    if (missing || !result || !place) return { problem: texts.incomplete };
    if (result.value === "competent" && criticalMissed) return { problem: texts.critical };
    var now = new Date();
    var dayInput = form.elements.observed_on;
    var day = dayInput ? dayInput.value : "";
    // Recorded at the visit (the date left as the page gave it): the phone's time now. Another day
    // (a paper sheet entered later): noon of that day in Jakarta, never later than now.
    var observedAt = now.toISOString();
    if (day && day !== dayInput.defaultValue && /^\d{4}-\d{2}-\d{2}$/.test(day)) {
      var noon = new Date(day + "T05:00:00Z");
      if (noon < now) observedAt = noon.toISOString();
    }
    var paper = form.elements.confirmed_on_paper;
    return {
      record: {
        id: newId(), cohort: Number(form.getAttribute("data-cohort")), learner: Number(form.getAttribute("data-learner")),
        course: form.getAttribute("data-course"), skill: form.getAttribute("data-skill"), steps: steps,
        result: result.value, place: place.value, observed_at: observedAt,
        note: form.elements.note ? form.elements.note.value.trim() : "",
        from_paper: !!(form.elements.from_paper && form.elements.from_paper.checked),
        confirmed_on_paper: !!(paper && paper.checked),
        // shown on the phone only, never sent
        learner_name: form.getAttribute("data-learner-name"), skill_title: form.getAttribute("data-skill-title")
      }
    };
  }

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.hasAttribute || !form.hasAttribute("data-observe-form") || navigator.onLine) return;
    if (!supported) return;
    event.preventDefault();
    var read = readForm(form);
    if (read.problem) { say(read.problem, "error"); return; }
    put([read.record]).then(function () {
      say(texts.kept, "success");
      form.reset();
      setTimeout(function () { window.location.href = form.getAttribute("data-back"); }, 1200);
    }).catch(function () { say(texts.failed, "error"); });
  });

  /* ---- Sending what waits ---- */
  var SENT_FIELDS = ["id", "cohort", "learner", "course", "skill", "steps", "result", "place", "observed_at", "note",
                     "from_paper", "confirmed_on_paper"];
  var sending = false;
  function send() {
    if (!supported || !navigator.onLine || sending) return Promise.resolve();
    return allWaiting().then(function (records) {
      var batch = records.filter(function (r) { return !r.refused; }).slice(0, 50);
      if (!batch.length) return null;
      sending = true;
      var body = { observations: batch.map(function (r) {
        var out = {};
        SENT_FIELDS.forEach(function (k) { out[k] = r[k]; });
        return out;
      }) };
      return fetch(script.getAttribute("data-sync"), {
        method: "POST", credentials: "same-origin",
        headers: { "Content-Type": "application/json", "X-CSRFToken": meta("csrf-token") },
        body: JSON.stringify(body)
      }).then(function (response) {
        return response.json().catch(function () { return {}; }).then(function (data) {
          if (response.ok) {
            return remove((data.recorded || []).concat(data.already || [])).then(function () {
              say(texts.sent, "success");
            });
          }
          // A refused batch records nothing and names the observations at fault: keep those on the
          // phone with the reason (the care manager decides), and send the others again.
          var problems = (data.error && data.error.observations) || [];
          if (response.status !== 400 || !problems.length) return null;
          var flagged = [];
          problems.forEach(function (p) {
            var record = batch[p.index];
            if (record && !record.refused) { record.refused = p.message || p.code; flagged.push(record); }
          });
          return put(flagged).then(function () { sending = false; return send(); });
        });
      }, function () { return null; });
    }).catch(function () { return null; }).then(function () { sending = false; return showWaiting(); });
  }

  function showWaiting() {
    var panel = document.querySelector("[data-observe-waiting]");
    if (!panel || !supported) return Promise.resolve();
    return allWaiting().then(function (records) {
      var list = panel.querySelector("ul");
      list.textContent = "";
      panel.hidden = !records.length;
      records.forEach(function (r) {
        var li = document.createElement("li");
        var label = document.createElement("span");
        label.textContent = r.learner_name + " · " + r.skill_title + " · " + new Date(r.observed_at).toLocaleDateString() + " ";
        li.appendChild(label);
        var badge = document.createElement("span");
        badge.className = "badge " + (r.refused ? "bad" : "waiting");
        badge.textContent = r.refused ? texts.refused.replace("{reason}", r.refused) : texts.waiting;
        li.appendChild(badge);
        if (r.refused) {
          var forget = document.createElement("button");
          forget.type = "button";
          forget.className = "button small";
          forget.textContent = texts.forget;
          forget.addEventListener("click", function () { remove([r.id]).then(showWaiting); });
          li.appendChild(forget);
        }
        list.appendChild(li);
      });
    }).catch(function () { return null; });
  }

  if (!navigator.onLine && supported && navigator.serviceWorker.controller) say(texts.offline);
  window.addEventListener("offline", function () { if (supported) say(texts.offline); });
  window.addEventListener("online", function () {
    if (statusBox) { statusBox.remove(); statusBox = null; }
    send();
  });
  showWaiting().then(function () { if (navigator.onLine) send(); });
})();
