/* Rawat's service worker (served as /sw.js by lms/courses/views_offline.py).
 *
 * Only a learner who presses "Save for offline reading" installs it. It keeps the
 * saved pages readable without signal and never talks to another host:
 * - pages: from the network when there is signal (refreshing a saved copy), else the
 *   saved copy; a quiz without signal gets the short "quizzes need a connection" page,
 *   any other page or form the short "you are offline" page;
 * - pictures, stylesheet and script: their URLs carry a content hash, so a saved copy
 *   is always right and is used first;
 * - voice recordings (saved only when the learner chose them): like pictures, and a
 *   saved one answers the player's Range requests from the phone (206);
 * - "mark as done" without signal: the mark waits on the phone (IndexedDB, see
 *   offline.js) and the learner goes on to the next step; pages send it later;
 * - signing out deletes the saved pages (a phone is often shared); waiting marks stay,
 *   kept for the learner who made them.
 */
"use strict";
importScripts({{ store_url|tojson }});

const CACHE = self.RawatOffline.CACHE;
const SHELL = {{ shell|tojson }};
const OFFLINE_PAGE = {{ offline_url|tojson }};
const QUIZ_PAGE = {{ quiz_offline_url|tojson }};
const LOGOUT_PATH = {{ logout_url|tojson }};
const QUIZ_RE = /^\/kursus\/[^/]+\/kuis\//;
const MARK_RE = /^\/kursus\/([^/]+)\/materi\/([^/]+)\/selesai$/;
const AUDIO_RE = /^\/kursus\/[^/]+\/materi\/[^/]+\/rekaman\/\d+\.ogg$/;
const NETWORK_WAIT_MS = 6000;

self.addEventListener("install", (event) => {
  event.waitUntil(caches.open(CACHE)
    .then((cache) => cache.addAll(SHELL))
    .catch(() => undefined)
    .then(() => self.skipWaiting()));
});

self.addEventListener("activate", (event) => {
  event.waitUntil(caches.keys()
    .then((names) => Promise.all(names.filter((n) => n.startsWith("rawat-") && n !== CACHE).map((n) => caches.delete(n))))
    .then(() => self.clients.claim()));
});

self.addEventListener("fetch", (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (request.method === "POST") {
    if (MARK_RE.test(url.pathname)) event.respondWith(markDone(request, url));
    else if (url.pathname === LOGOUT_PATH) event.respondWith(signOut(request, url));
    else if (request.mode === "navigate") event.respondWith(sendForm(request, url));
    return;
  }
  if (request.method !== "GET" || url.pathname.startsWith("/api/")) return;
  if (request.mode === "navigate") {
    event.respondWith(page(request, url));
  } else if (url.pathname.startsWith("/static/") || url.pathname.includes("/aset/")) {
    event.respondWith(file(request));
  } else if (AUDIO_RE.test(url.pathname)) {
    event.respondWith(recording(request));
  }
});

function wait(ms) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

async function offlineAnswer(url) {
  const cache = await caches.open(CACHE);
  const fallback = await cache.match(QUIZ_RE.test(url.pathname) ? QUIZ_PAGE : OFFLINE_PAGE, { ignoreVary: true });
  return fallback || Response.error();
}

async function page(request, url) {
  const cache = await caches.open(CACHE);
  const saved = await cache.match(request, { ignoreVary: true });
  const network = fetch(request).then((response) => {
    if (saved && response.ok && !response.redirected) cache.put(request, response.clone());
    return response;
  });
  network.catch(() => undefined);
  try {
    if (!saved) return await network;
    return await Promise.race([network, wait(NETWORK_WAIT_MS).then(() => saved)]);
  } catch (error) {
    return saved || offlineAnswer(url);
  }
}

async function file(request) {
  const cache = await caches.open(CACHE);
  const saved = await cache.match(request, { ignoreVary: true });
  if (saved) return saved;
  try {
    return await fetch(request);
  } catch (error) {
    // Another size or version of the same picture is better than none.
    const other = await cache.match(request, { ignoreSearch: true, ignoreVary: true });
    if (other) return other;
    throw error;
  }
}

/* A saved recording, or the part of it the audio player asks for (Range: bytes=start-end). */
async function recording(request) {
  const cache = await caches.open(CACHE);
  const saved = await cache.match(request.url, { ignoreVary: true });
  if (!saved) return fetch(request);
  const range = /^bytes=(\d*)-(\d*)$/.exec(request.headers.get("Range") || "");
  if (!range) return saved;
  const body = await saved.arrayBuffer();
  const size = body.byteLength;
  let start = range[1] === "" ? Math.max(0, size - Number(range[2])) : Number(range[1]);
  let end = range[1] === "" || range[2] === "" ? size - 1 : Math.min(Number(range[2]), size - 1);
  if (start >= size || start > end) {
    return new Response(null, { status: 416, headers: { "Content-Range": `bytes */${size}` } });
  }
  return new Response(body.slice(start, end + 1), {
    status: 206,
    headers: {
      "Content-Type": saved.headers.get("Content-Type") || "audio/ogg",
      "Content-Range": `bytes ${start}-${end}/${size}`,
      "Content-Length": String(end - start + 1),
      "Accept-Ranges": "bytes",
    },
  });
}

async function markDone(request, url) {
  const copy = request.clone();
  try {
    return await fetch(request);
  } catch (error) {
    const form = await copy.formData();
    const [, course, lesson] = MARK_RE.exec(url.pathname);
    await self.RawatOffline.addMark({
      course: decodeURIComponent(course), lesson: decodeURIComponent(lesson),
      learner: String(form.get("learner") || ""),
    });
    const next = String(form.get("next") || "");
    const target = next.startsWith("/") && !next.startsWith("//") ? next : "/";
    return Response.redirect(new URL(target, self.location.origin).href, 303);
  }
}

async function sendForm(request, url) {
  try {
    return await fetch(request);
  } catch (error) {
    return offlineAnswer(url);  // another form sent without signal: say so instead of failing
  }
}

async function signOut(request, url) {
  let response;
  try {
    response = await fetch(request);
  } catch (error) {
    return offlineAnswer(url);
  }
  await caches.delete(CACHE);
  return response;
}
