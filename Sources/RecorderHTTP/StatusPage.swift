/// The status page at `/`: every creator and every recording in progress, refreshed from `/api/status` every two
/// seconds. Plain HTML, CSS and JavaScript; text is inserted as text, never as markup.
enum StatusPage {
    static let html = """
        <!DOCTYPE html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>tiktok-recorder</title>
        <style>
        body { font: 14px/1.4 system-ui, sans-serif; margin: 1rem; color: #111; background: #fafafa; }
        h1 { font-size: 1.2rem; margin: 0 0 .5rem; }
        h2 { font-size: 1rem; margin: 1.2rem 0 .4rem; }
        table { border-collapse: collapse; width: 100%; background: #fff; }
        th, td { text-align: left; padding: .3rem .5rem; border-bottom: 1px solid #e4e4e4; vertical-align: top; }
        th { font-weight: 600; background: #f0f0f0; }
        td.num { text-align: right; font-variant-numeric: tabular-nums; }
        .state { font-weight: 600; }
        .recording { color: #b00020; } .live { color: #c75000; } .waiting { color: #7a5c00; }
        .error, .blocked { color: #8e0000; } .disabled { color: #777; } .offline { color: #444; }
        #summary { color: #444; }
        .wrap { overflow-x: auto; }
        </style>
        </head>
        <body>
        <h1>tiktok-recorder</h1>
        <p id="summary" aria-live="polite">Loading…</p>
        <h2>Recording now</h2>
        <div class="wrap"><table id="recordings"><thead><tr><th>Creator</th><th>File</th><th>Duration</th><th>Size</th>
        <th>Bitrate</th><th>Chat events</th><th>Chat</th></tr></thead><tbody></tbody></table></div>
        <h2>Creators</h2>
        <div class="wrap"><table id="creators"><thead><tr><th>Creator</th><th>State</th><th>Since</th><th>Last check</th>
        <th>Next check</th><th>Last error</th></tr></thead><tbody></tbody></table></div>
        <script>
        "use strict";
        function cell(row, text, cls) { const td = row.insertCell(); td.textContent = text; if (cls) td.className = cls; return td; }
        function time(iso) { return iso ? new Date(iso).toLocaleTimeString() : "—"; }
        function duration(s) { s = Math.round(s); const h = Math.floor(s / 3600), m = Math.floor(s / 60) % 60;
          return (h ? h + "h " : "") + m + "m " + (s % 60) + "s"; }
        function size(b) { return b >= 1e9 ? (b / 1e9).toFixed(2) + " GB" : (b / 1e6).toFixed(1) + " MB"; }
        async function refresh() {
          try {
            const response = await fetch("/api/status", { cache: "no-store" });
            const status = await response.json();
            const b = status.budget;
            let summary = status.creators.length + " creators, " + status.recordings.length + " recording; requests "
              + b.usedLastMinute + "/" + b.requestsPerMinute + " per minute; each creator checked every "
              + Math.round(b.effectiveInterval) + " s";
            if (b.blockedUntil) summary += "; blocked by TikTok until " + time(b.blockedUntil);
            if (status.disk.lowSpace) summary += "; LOW DISK SPACE: no new recording starts";
            if (status.configuration.reloadError) summary += "; configuration NOT reloaded: " + status.configuration.reloadError;
            if (status.shuttingDown) summary += "; shutting down";
            document.getElementById("summary").textContent = summary;
            const recordings = document.querySelector("#recordings tbody");
            recordings.replaceChildren();
            for (const r of status.recordings) {
              const row = recordings.insertRow();
              cell(row, "@" + r.username); cell(row, r.file); cell(row, duration(r.seconds), "num");
              cell(row, size(r.bytes), "num"); cell(row, (r.bitrate / 1e6).toFixed(2) + " Mbit/s", "num");
              cell(row, String(r.chatEvents), "num"); cell(row, r.chatDown ? "down" : "up");
            }
            const creators = document.querySelector("#creators tbody");
            creators.replaceChildren();
            for (const c of status.creators) {
              const row = creators.insertRow();
              cell(row, "@" + c.username); cell(row, c.state, "state " + c.state); cell(row, time(c.since));
              cell(row, time(c.lastCheck)); cell(row, time(c.nextCheck)); cell(row, c.lastError || "");
            }
          } catch (error) {
            document.getElementById("summary").textContent = "The recorder does not answer: " + error;
          }
        }
        refresh();
        setInterval(refresh, 2000);
        </script>
        </body>
        </html>
        """
}
