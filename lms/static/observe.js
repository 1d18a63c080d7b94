/* Rawat observations without signal, for care managers on home visits.
 * The group's observation page offers "Save for offline use": its pages go into the same cache
 * as saved lessons (the service worker, /sw.js, serves them without signal and deletes them on
 * sign-out). A record form sent without signal is kept on the phone (IndexedDB "rawat-observations")
 * with a fresh id and the time it was made; pages send what waits when the signal is back, and the
 * server records each id once however often it arrives. Everything works without this script,
 * only not offline.
 */
(function () {
  "use strict";
  var script = document.querySelector("script[data-rawat-observe]");
  if (!script) return;
  var texts = JSON.parse(script.getAttribute("data-texts") || "{}");
  var CACHE = "rawat-offline-v1";  // the learners' cache (offline.js): one place that sign-out clears
  var META = "/__rawat/observe/";
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

  function newId() {
    if (window.crypto && window.crypto.randomUUID) return window.crypto.randomUUID();
    var b = window.crypto.getRandomValues(new Uint8Array(16));
    b[6] = (b[6] & 15) | 64;
    b[8] = (b[8] & 63) | 128;
    var h = Array.prototype.map.call(b, function (x) { return (x + 256).toString(16).slice(1); }).join("");
    return h.slice(0, 8) + "-" + h.slice(8, 12) + "-" + h.slice(12, 16) + "-" + h.slice(16, 20) + "-" + h.slice(20);
  }

  /* The observations waiting on the phone, one record each (keyPath "id", the id the server keeps). */
  function withStore(mode, work) {
    return new Promise(function (resolve, reject) {
      var opening = indexedDB.open("rawat-observations", 1);
      opening.onupgradeneeded = function () { opening.result.createObjectStore("waiting", { keyPath: "id" }); };
      opening.onerror = function () { reject(opening.error); };
      opening.onsuccess = function () {
        var db = opening.result;
        var tx = db.transaction("waiting", mode);
        var out = {};
        work(tx.objectStore("waiting"), out);
        tx.oncomplete = function () { db.close(); resolve(out.value); };
        tx.onerror = tx.onabort = function () { db.close(); reject(tx.error); };
      };
    });
  }
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

  /* ---- "Save for offline use" on the group's observation page ---- */
  function setUpSaving(panel) {
    var saveButton = panel.querySelector('[data-observe-action="save"]');
    var removeButton = panel.querySelector('[data-observe-action="remove"]');
    var status = panel.querySelector("[data-observe-status]");
    var metaUrl = META + panel.getAttribute("data-cohort");
    panel.querySelector("[data-observe-nojs]").hidden = true;
    if (!supported) {
      panel.querySelector("[data-observe-unsupported]").hidden = false;
      return;
    }
    function show(saved) {
      saveButton.hidden = false;
      removeButton.hidden = !saved;
      if (!saved) { saveButton.textContent = texts.save; return; }
      var outdated = saved.version !== panel.getAttribute("data-version");
      saveButton.textContent = outdated ? texts.update : texts.save_again;
      status.textContent = outdated ? texts.outdated : texts.saved;
    }
    function savedState() {
      return caches.open(CACHE).then(function (cache) { return cache.match(metaUrl); })
        .then(function (r) { return r ? r.json() : null; }).catch(function () { return null; });
    }
    saveButton.addEventListener("click", function () {
      saveButton.disabled = true;
      status.textContent = texts.saving;
      var cache;
      navigator.serviceWorker.register(script.getAttribute("data-sw"), { scope: "/" })
        .then(function () { return navigator.serviceWorker.ready; })
        .then(function () { return caches.open(CACHE); })
        .then(function (c) { cache = c; return fetch(panel.getAttribute("data-bundle"), { credentials: "same-origin", cache: "no-store" }); })
        .then(function (r) { if (!r.ok) throw new Error("bundle"); return r.json(); })
        .then(function (bundle) {
          var done = 0, failed = 0, queue = bundle.urls.slice();
          function worker() {
            var url = queue.shift();
            if (!url) return Promise.resolve();
            return fetch(url, { credentials: "same-origin" }).then(function (r) {
              if (!r.ok || r.redirected) throw new Error(url);
              return cache.put(url, r);
            }).catch(function () { failed += 1; }).then(function () {
              done += 1;
              status.textContent = texts.progress.replace("{done}", done).replace("{total}", bundle.urls.length);
              return worker();
            });
          }
          return Promise.all([worker(), worker(), worker()]).then(function () {
            if (failed) throw new Error("incomplete");
            var record = { version: bundle.version, urls: bundle.urls, saved_at: new Date().toISOString() };
            return cache.put(metaUrl, new Response(JSON.stringify(record), { headers: { "Content-Type": "application/json" } }))
              .then(function () { return record; });
          });
        })
        .then(function (record) { show(record); status.textContent = texts.done; })
        .catch(function () { status.textContent = texts.failed; })
        .then(function () { saveButton.disabled = false; });
    });
    removeButton.addEventListener("click", function () {
      savedState().then(function (saved) {
        return caches.open(CACHE).then(function (cache) {
          var pages = ((saved && saved.urls) || []).filter(function (u) { return u.indexOf("/static/") !== 0; });
          return Promise.all(pages.concat([metaUrl]).map(function (u) { return cache.delete(u); }));
        });
      }).then(function () { show(null); status.textContent = texts.removed; });
    });
    savedState().then(show);
  }

  document.querySelectorAll("[data-observe-save]").forEach(setUpSaving);
  if (!navigator.onLine && supported && navigator.serviceWorker.controller) say(texts.offline);
  window.addEventListener("offline", function () { if (supported) say(texts.offline); });
  window.addEventListener("online", function () {
    if (statusBox) { statusBox.remove(); statusBox = null; }
    send();
  });
  showWaiting().then(function () { if (navigator.onLine) send(); });
})();
