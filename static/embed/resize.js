// Sori embeds: fit each Sori frame to its content, pass on its events (copy as is).
(function () {
  "use strict";
  window.addEventListener("message", function (event) {
    var data = event.data;
    if (!data || typeof data.type !== "string" || data.type.indexOf("sori:") !== 0) return;
    var frames = document.getElementsByTagName("iframe");
    for (var i = 0; i < frames.length; i++) {
      var frame = frames[i];
      if (frame.contentWindow !== event.source) continue;
      if (new URL(frame.src, location.href).origin !== event.origin) return;
      if (data.type === "sori:resize" && data.height > 0) frame.height = String(Math.ceil(data.height));
      frame.dispatchEvent(new CustomEvent(data.type, { bubbles: true, detail: data }));
      return;
    }
  });
})();
