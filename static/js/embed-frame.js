// The embed's side of the conversation with the host page (docs/embedding.md): tell
// the parent how tall the page is, on load and whenever it changes, and that an action
// was completed. The messages hold nothing personal, so they go to any parent: only
// the sites the campaign allows can frame the page at all (frame-ancestors).
(function () {
  "use strict";
  if (window.parent === window) {
    return;
  }
  var lastHeight = 0;

  function post(message) {
    window.parent.postMessage(message, "*");
  }

  function sendHeight() {
    var height = Math.ceil(document.documentElement.getBoundingClientRect().height);
    if (height !== lastHeight) {
      lastHeight = height;
      post({ type: "sori:resize", height: height });
    }
  }

  sendHeight();
  window.addEventListener("load", sendHeight);
  if (window.ResizeObserver) {
    new ResizeObserver(sendHeight).observe(document.documentElement);
  }

  var done = document.body.getAttribute("data-sori-completed");
  if (done) {
    post({ type: "sori:completed", action: done, slug: document.body.getAttribute("data-sori-slug") });
  }
})();
