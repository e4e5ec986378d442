// Keeps the playground working offline: every file of the page is cached
// when it is first loaded, and served from the cache afterwards. build.sh
// writes the build's digest into CACHE, so a new build replaces the cache.
const CACHE = 'claimlint-playground-__BUILD_DIGEST__';
const FILES = [
  './',
  'index.html',
  'style.css',
  'app.js',
  'claimlint.js',
  'claimlint.wasm',
  'icon.svg',
  'examples/honest.md',
  'examples/hype.md',
];

self.addEventListener('install', (event) => {
  event.waitUntil(caches.open(CACHE).then((cache) => cache.addAll(FILES)).then(() => self.skipWaiting()));
});

self.addEventListener('activate', (event) => {
  event.waitUntil(
    caches.keys()
      .then((keys) => Promise.all(keys
        .filter((key) => key.startsWith('claimlint-playground-') && key !== CACHE)
        .map((key) => caches.delete(key))))
      .then(() => self.clients.claim()),
  );
});

self.addEventListener('fetch', (event) => {
  const request = event.request;
  if (request.method !== 'GET' || new URL(request.url).origin !== self.location.origin) return;
  event.respondWith(
    caches.open(CACHE)
      .then((cache) => cache.match(request, { ignoreSearch: true }))
      .then((hit) => hit || fetch(request)),
  );
});
