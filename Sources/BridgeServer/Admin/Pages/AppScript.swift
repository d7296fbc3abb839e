/// `/static/app.js`: follows each running step's log over Server-Sent Events. The pages work without it.
enum AppScript {
    static let text = """
        "use strict";
        // Each running step's <pre data-events="…/log/events"> follows its log: the first "log" event is the log so far
        // (it replaces what the page was rendered with), each later one is what was appended since; "end" closes.
        document.addEventListener("DOMContentLoaded", function () {
          if (!window.EventSource) { return; }
          document.querySelectorAll("pre[data-events]").forEach(function (pre) {
            var source = new EventSource(pre.getAttribute("data-events"));
            var first = true;
            var note = pre.parentNode.querySelector(".live-note");
            if (note) { note.textContent = "This step is still going: its log follows live."; }
            source.addEventListener("log", function (event) {
              var atBottom = pre.scrollTop + pre.clientHeight >= pre.scrollHeight - 4;
              if (first) { pre.textContent = event.data; first = false; } else { pre.textContent += event.data; }
              if (atBottom) { pre.scrollTop = pre.scrollHeight; }
            });
            source.addEventListener("end", function () {
              source.close();
              pre.removeAttribute("data-events");
              pre.setAttribute("data-ended", "true");
              if (note) { note.textContent = "This step has finished: reload the page for its status."; }
            });
            source.onerror = function () {
              source.close();
              if (note) { note.textContent = "The live log stopped: reload the page for more of it."; }
            };
          });
        });

        """
}
