/* Rawat offline reading: save a course on the phone, mark lessons done without signal,
 * send the marks when the signal is back. Everything works without this script, only
 * without offline storage. The service worker (/sw.js) loads this file too, for the
 * queue of marks only (the part before "Pages only").
 */
(function (root) {
  "use strict";
  var CACHE = "rawat-offline-v1";
  var META = "/__rawat/saved/";

  function newId() {
    if (root.crypto && root.crypto.randomUUID) return root.crypto.randomUUID();
    var b = root.crypto.getRandomValues(new Uint8Array(16));
    b[6] = (b[6] & 15) | 64;
    b[8] = (b[8] & 63) | 128;
    var h = Array.prototype.map.call(b, function (x) { return (x + 256).toString(16).slice(1); }).join("");
    return h.slice(0, 8) + "-" + h.slice(8, 12) + "-" + h.slice(12, 16) + "-" + h.slice(16, 20) + "-" + h.slice(20);
  }

  /* withStore(mode, work) for one IndexedDB object store of records keyed by "id": work(store, out)
   * runs in one transaction, and the promise gives out.value once it is committed. */
  function storeIn(dbName, storeName) {
    return function (mode, work) {
      return new Promise(function (resolve, reject) {
        var opening = root.indexedDB.open(dbName, 1);
        opening.onupgradeneeded = function () { opening.result.createObjectStore(storeName, { keyPath: "id" }); };
        opening.onerror = function () { reject(opening.error); };
        opening.onsuccess = function () {
          var db = opening.result;
          var tx = db.transaction(storeName, mode);
          var out = {};
          work(tx.objectStore(storeName), out);
          tx.oncomplete = function () { db.close(); resolve(out.value); };
          tx.onerror = tx.onabort = function () { db.close(); reject(tx.error); };
        };
      });
    };
  }

  /* The marks waiting on the phone: IndexedDB "rawat", store "marks", one record per mark. */
  var withStore = storeIn("rawat", "marks");

  function allMarks() {
    return withStore("readonly", function (store, out) {
      var req = store.getAll();
      req.onsuccess = function () { out.value = req.result; };
    });
  }

  /* Queue a lesson as done (once per learner and lesson); the id makes sending twice harmless. */
  function addMark(mark) {
    var record = { id: newId(), course: mark.course, lesson: mark.lesson, learner: mark.learner || "",
                   done_at: new Date().toISOString() };
    return withStore("readwrite", function (store, out) {
      var req = store.getAll();
      req.onsuccess = function () {
        var same = req.result.filter(function (m) {
          return m.learner === record.learner && m.course === record.course && m.lesson === record.lesson;
        });
        out.value = same.length ? same[0] : record;
        if (!same.length) store.put(record);
      };
    });
  }

  function removeMarks(ids) {
    return withStore("readwrite", function (store) { ids.forEach(function (id) { store.delete(id); }); });
  }

  root.RawatOffline = { CACHE: CACHE, addMark: addMark, allMarks: allMarks, removeMarks: removeMarks, newId: newId,
                        storeIn: storeIn };
  if (typeof document === "undefined") return;

  /* ---- Pages only ---- */
  var script = document.querySelector("script[data-rawat-offline]");
  var texts = JSON.parse(script.getAttribute("data-texts") || "{}");
  var meta = function (name) {
    var el = document.querySelector('meta[name="' + name + '"]');
    return el ? el.getAttribute("content") : "";
  };
  var learner = meta("rawat-learner");
  var supported = "serviceWorker" in navigator && "caches" in root && "indexedDB" in root && root.isSecureContext;
  var statusBox = null;

  function say(text, kind) {
    if (!statusBox) {
      statusBox = document.createElement("p");
      statusBox.setAttribute("role", "status");
      var main = document.getElementById("main");
      main.insertBefore(statusBox, main.firstChild);
    }
    statusBox.className = "flash offline-flash" + (kind ? " flash-" + kind : "");
    statusBox.textContent = text;
  }

  function badge(text, kind) {
    var span = document.createElement("span");
    span.className = "badge offline-badge " + kind;
    span.textContent = text;
    return span;
  }

  /* "Waiting to be sent" next to each lesson marked offline, and a count on course cards. */
  function showWaiting(marks) {
    document.querySelectorAll(".offline-badge, .offline-count").forEach(function (el) { el.remove(); });
    var mine = marks.filter(function (m) { return m.learner === learner; });
    document.querySelectorAll("[data-offline-lesson]").forEach(function (el) {
      var waiting = mine.some(function (m) {
        return m.course === el.getAttribute("data-course") && m.lesson === el.getAttribute("data-offline-lesson");
      });
      if (waiting) el.appendChild(badge(texts.waiting, "waiting"));
    });
    document.querySelectorAll("[data-offline-course]").forEach(function (el) {
      var count = mine.filter(function (m) { return m.course === el.getAttribute("data-offline-course"); }).length;
      if (!count) return;
      var p = document.createElement("p");
      p.className = "offline-count";
      p.appendChild(badge(texts.waiting_count.replace("{n}", count), "waiting"));
      el.appendChild(p);
    });
    return mine;
  }

  function refresh() {
    if (!supported || !learner) return Promise.resolve([]);
    return allMarks().then(showWaiting).catch(function () { return []; });
  }

  /* Send the learner's waiting marks; keep them when the answer does not come, and try again later.
   * One page at a time sends (Web Locks), so two open pages never send the same marks together. */
  var sending = false;
  var retryTimer = null;
  var RETRY_MS = [5000, 30000, 120000];
  var failures = 0;
  function later() {
    if (retryTimer || failures >= RETRY_MS.length) return;
    retryTimer = setTimeout(function () { retryTimer = null; send(false); }, RETRY_MS[failures]);
    failures += 1;
  }
  function send(retry) {
    if (!supported || !learner || !navigator.onLine || sending) return Promise.resolve();
    if (navigator.locks && !retry) {
      return navigator.locks.request("rawat-send-marks", function () { return sendNow(false); });
    }
    return sendNow(retry);
  }
  function sendNow(retry) {
    return allMarks().then(function (marks) {
      var mine = marks.filter(function (m) { return m.learner === learner; }).slice(0, 200);
      if (!mine.length) return null;
      sending = true;
      var body = { marks: mine.map(function (m) { return { id: m.id, course: m.course, lesson: m.lesson, done_at: m.done_at }; }) };
      return fetch(script.getAttribute("data-sync"), {
        method: "POST", credentials: "same-origin",
        headers: { "Content-Type": "application/json", "X-CSRFToken": meta("csrf-token") },
        body: JSON.stringify(body)
      }).then(function (response) {
        return response.json().catch(function () { return {}; }).then(function (data) {
          if (response.ok) {
            return removeMarks((data.recorded || []).concat(data.already || [])).then(function () {
              failures = 0;
              say(texts.sent, "success");
            });
          }
          // A refused batch lists the marks that can never be recorded: drop them, send the rest once more.
          var wrong = (data.error && data.error.marks) || [];
          var ids = wrong.map(function (p) { return mine[p.index] && mine[p.index].id; }).filter(Boolean);
          if (response.status === 400 && ids.length) {
            return removeMarks(ids).then(function () { sending = false; if (!retry) return sendNow(true); });
          }
          if (response.status >= 500 || response.status === 429) later();
          return null;
        });
      }, function () { later(); });
    }).catch(function () { return null; }).then(function () { sending = false; return refresh(); });
  }

  /* Without signal, "mark as done" waits on the phone and the learner goes on. */
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.hasAttribute || !form.hasAttribute("data-offline-mark") || navigator.onLine) return;
    if (!supported || !navigator.serviceWorker.controller) return;
    event.preventDefault();
    addMark({ course: form.getAttribute("data-course"), lesson: form.getAttribute("data-lesson"), learner: learner })
      .then(function () { root.location.href = form.elements.next.value; })
      .catch(function () { form.submit(); });
  });

  /* The "Save for offline reading" panel of a course page. */
  function setUpSaving(panel) {
    var saveButton = panel.querySelector('[data-offline-action="save"]');
    var removeButton = panel.querySelector('[data-offline-action="remove"]');
    var status = panel.querySelector("[data-offline-status]");
    var own = JSON.parse(panel.getAttribute("data-texts") || "{}");
    var slug = panel.getAttribute("data-course");
    var metaUrl = META + slug;
    var audioBox = panel.querySelector("[data-offline-audio]");
    panel.querySelector("[data-offline-nojs]").hidden = true;
    if (!supported) {
      panel.querySelector("[data-offline-unsupported]").hidden = false;
      return;
    }
    if (audioBox) panel.querySelector("[data-offline-audio-row]").hidden = false;
    function show(saved) {
      saveButton.hidden = false;
      removeButton.hidden = !saved;
      if (audioBox && saved) audioBox.checked = Boolean(saved.audio);
      if (!saved) {
        saveButton.textContent = own.save;
        return;
      }
      var outdated = String(saved.version) !== panel.getAttribute("data-version") ||
        saved.updated !== panel.getAttribute("data-updated");
      saveButton.textContent = outdated ? own.update : own.save_again;
      status.textContent = outdated ? own.outdated : own.saved;
    }
    function savedState() {
      return caches.open(CACHE).then(function (cache) { return cache.match(metaUrl); })
        .then(function (r) { return r ? r.json() : null; }).catch(function () { return null; });
    }
    saveButton.addEventListener("click", function () {
      saveButton.disabled = true;
      status.textContent = own.saving;
      var cache, before;
      // the voice recordings only when asked for: the panel said what they add
      var bundleUrl = panel.getAttribute("data-bundle") + (audioBox && audioBox.checked ? "?rekaman=1" : "");
      navigator.serviceWorker.register(script.getAttribute("data-sw"), { scope: "/" })
        .then(function () { return navigator.serviceWorker.ready; })
        .then(savedState)
        .then(function (saved) { before = saved; return caches.open(CACHE); })
        .then(function (c) { cache = c; return fetch(bundleUrl, { credentials: "same-origin", cache: "no-store" }); })
        .then(function (r) { if (!r.ok) throw new Error("bundle"); return r.json(); })
        .then(function (bundle) {
          var done = 0, failed = 0;
          var queue = bundle.urls.slice();
          function worker() {
            var url = queue.shift();
            if (!url) return Promise.resolve();
            return fetch(url, { credentials: "same-origin" }).then(function (r) {
              if (!r.ok || r.redirected) throw new Error(url);
              return cache.put(url, r);
            }).catch(function () { failed += 1; }).then(function () {
              done += 1;
              status.textContent = own.progress.replace("{done}", done).replace("{total}", bundle.urls.length);
              return worker();
            });
          }
          return Promise.all([worker(), worker(), worker()]).then(function () {
            if (failed) throw new Error("incomplete");
            var record = { version: bundle.version, updated: bundle.updated, bytes: bundle.bytes, urls: bundle.urls,
                           audio: Boolean(bundle.audio), saved_at: new Date().toISOString() };
            // what the previous copy held and this one does not (old versions, recordings no longer wanted)
            var gone = ((before && before.urls) || []).filter(function (u) {
              return u.indexOf("/static/") !== 0 && bundle.urls.indexOf(u) < 0;
            });
            return Promise.all(gone.map(function (u) { return cache.delete(u); }))
              .then(function () {
                return cache.put(metaUrl, new Response(JSON.stringify(record), { headers: { "Content-Type": "application/json" } }));
              })
              .then(function () { return record; });
          });
        })
        .then(function (record) { show(record); status.textContent = own.done; })
        .catch(function () { status.textContent = own.failed; })
        .then(function () { saveButton.disabled = false; });
    });
    removeButton.addEventListener("click", function () {
      savedState().then(function (saved) {
        return caches.open(CACHE).then(function (cache) {
          var pages = ((saved && saved.urls) || []).filter(function (u) { return u.indexOf("/static/") !== 0; });
          return Promise.all(pages.concat([metaUrl]).map(function (u) { return cache.delete(u); }));
        });
      }).then(function () { show(null); status.textContent = own.removed; });
    });
    savedState().then(show);
  }

  document.querySelectorAll("[data-offline-save]").forEach(setUpSaving);
  if (!navigator.onLine && supported && navigator.serviceWorker.controller) say(texts.offline);
  root.addEventListener("offline", function () {
    if (supported && navigator.serviceWorker.controller) say(texts.offline);
  });
  root.addEventListener("online", function () {
    if (statusBox) { statusBox.remove(); statusBox = null; }
    send(false);
  });
  refresh().then(function (mine) { if (mine.length) send(false); });
})(self);
