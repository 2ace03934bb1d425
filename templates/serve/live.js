// Injected by `build.py serve` into every HTML page it serves (never into the files on
// disk): reloads the page when the server says it changed, or that the content broke or
// was fixed. The server tells each page the version it is, so a change made while the page
// loaded is not missed.
(() => {
  const script = document.currentScript;
  const here = location.pathname.endsWith("/") ? location.pathname + "index.html"
                                               : decodeURIComponent(location.pathname);
  // The preview's own pages (reviews) show the library: they follow each time it is read.
  const own = here.startsWith("/__leaflets/");
  const events = new EventSource("/__leaflets/events?since=" + script.dataset.version);
  events.addEventListener("change", (event) => {
    const changed = JSON.parse(event.data);
    const shown = own ? changed.some((path) => path.startsWith("/__leaflets/"))
                      : changed.includes(here);
    if (shown || changed.includes("*")) {
      events.close();
      location.reload();
    }
  });
})();
