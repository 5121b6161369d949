// Sori's embed loader, /embed.js, for sites without a strict Content Security Policy
// (docs/embedding.md). It turns each <a data-sori-embed href="…/petitions/<slug>/">
// (or a letter action's address) of this Sori site into the action's embed frame,
// sized to its content, and passes on the frame's events ("sori:resize",
// "sori:completed") as DOM events on the frame.
(function () {
  "use strict";
  var script = document.currentScript;
  if (!script) return;
  var sori = new URL(script.src).origin;
  var ACTION = /^\/(?:[a-z]{2}\/)?(?:petitions|letters)\/[-a-zA-Z0-9_]+\/$/;

  function frameFor(link) {
    var url;
    try {
      url = new URL(link.getAttribute("href"), location.href);
    } catch (error) {
      return;
    }
    if (url.origin !== sori || !ACTION.test(url.pathname)) return;
    var lang = link.getAttribute("data-lang");
    var frame = document.createElement("iframe");
    frame.src = sori + url.pathname + "embed/" + (lang ? "?lang=" + encodeURIComponent(lang) : "");
    frame.title = link.getAttribute("title") || link.textContent.trim() || "Sori";
    frame.width = "100%";
    frame.height = url.pathname.indexOf("/letters/") >= 0 ? "900" : "720";
    frame.loading = "lazy";
    frame.setAttribute("frameborder", "0");
    frame.style.border = "0";
    link.parentNode.replaceChild(frame, link);
  }

  window.addEventListener("message", function (event) {
    var data = event.data;
    if (event.origin !== sori || !data || typeof data.type !== "string") return;
    if (data.type.indexOf("sori:") !== 0) return;
    var frames = document.getElementsByTagName("iframe");
    for (var i = 0; i < frames.length; i++) {
      if (frames[i].contentWindow !== event.source) continue;
      if (data.type === "sori:resize" && data.height > 0) {
        frames[i].height = String(Math.ceil(data.height));
      }
      frames[i].dispatchEvent(new CustomEvent(data.type, { bubbles: true, detail: data }));
      return;
    }
  });

  function start() {
    var links = document.querySelectorAll("a[data-sori-embed]");
    for (var i = 0; i < links.length; i++) frameFor(links[i]);
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
