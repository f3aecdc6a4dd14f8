// RagStack's small browser helpers: follow the answer while the reader is at the bottom, scroll the viewer to the cited
// passage, send on Enter, copy. Everything else is Blazor's.
(() => {
    "use strict";
    const stick = new WeakMap();

    // A log follows new text only while the reader is at (or near) its bottom; scrolling up stops that.
    document.addEventListener("scroll", event => {
        const log = event.target;
        if (log instanceof HTMLElement && log.classList.contains("log")) {
            stick.set(log, log.scrollTop + log.clientHeight >= log.scrollHeight - 32);
        }
    }, true);

    const observer = new MutationObserver(() => {
        for (const log of document.querySelectorAll(".log")) {
            if (stick.get(log) !== false) {
                log.scrollTop = log.scrollHeight;
            }
        }

        const passage = document.getElementById("passage");
        if (passage && !passage.dataset.shown) {
            passage.dataset.shown = "1";
            passage.scrollIntoView({ block: "center" });
        }
    });
    observer.observe(document.documentElement, { childList: true, subtree: true, characterData: true });

    // Enter sends, Shift+Enter is a new line.
    document.addEventListener("keydown", event => {
        const box = event.target;
        if (event.key === "Enter" && !event.shiftKey && !event.isComposing && box instanceof HTMLTextAreaElement && box.hasAttribute("data-send-on-enter")) {
            event.preventDefault();
            // The server decides (an empty question or one while answering is ignored there): the button's disabled
            // state may not have caught up with the text typed a moment ago.
            box.form?.requestSubmit();
        }
    });

    window.ragstack = {
        copy: async text => {
            try {
                await navigator.clipboard.writeText(text);
            } catch {
                // No clipboard permission: select nothing, say nothing; the text stays on the page.
            }
        },
    };
})();
