"""A timeline as one self-contained HTML page: inline SVG frames, inline CSS and JS, no network.

`timeline_page()` is pure: it takes the frames already drawn (SVG text) and their events, and returns
the page. The slider, play/pause and arrow keys switch frames; the side panel lists the events that
took effect since the previous frame, with their quotes.
"""

from __future__ import annotations

import html
import json
import re
from dataclasses import dataclass
from typing import Any

__all__ = ["PageFrame", "inline_svg", "script_json", "timeline_page"]


@dataclass(frozen=True)
class PageFrame:
    day: str
    svg: str
    events: list[dict[str, Any]]  # {"on", "person", "name", "text", "quote", "document", "note", "id"}


_PROLOG = re.compile(r"^\s*(<\?xml[^>]*\?>\s*)?(<!DOCTYPE[^>]*>\s*)?(<!--.*?-->\s*)*", re.S)


def inline_svg(svg: str) -> str:
    """Graphviz SVG ready to inline: no XML prolog or doctype, scaled to the panel's width."""
    body = _PROLOG.sub("", svg, count=1)
    return re.sub(
        r'<svg width="[^"]*" height="[^"]*"', '<svg class="chart" preserveAspectRatio="xMidYMin meet"', body, count=1
    )


_CSS = """
*{box-sizing:border-box}body{margin:0;font:14px/1.4 system-ui,-apple-system,'Segoe UI',sans-serif;color:#1d2430;background:#f6f7f9}
header{padding:12px 20px;background:#1d2430;color:#fff;display:flex;gap:16px;align-items:center;flex-wrap:wrap}
header h1{font-size:18px;margin:0 12px 0 0}#day{font-size:22px;font-weight:600;min-width:8.5em;font-variant-numeric:tabular-nums}
header input[type=range]{flex:1;min-width:240px}header button{font-size:15px;padding:4px 12px;border-radius:6px;border:1px solid #9aa4b2;background:#fff;cursor:pointer}
main{display:grid;grid-template-columns:minmax(0,3fr) minmax(260px,1fr);gap:12px;padding:12px 20px}
#charts{background:#fff;border:1px solid #d9dde3;border-radius:8px;padding:8px;min-height:60vh}
.frame{display:none}.frame.current{display:block}.frame svg{width:100%;height:auto;max-height:80vh}
.frame svg text{font-family:Helvetica,Arial,'IPAGothic','Noto Sans CJK JP',sans-serif}
aside{background:#fff;border:1px solid #d9dde3;border-radius:8px;padding:12px 14px;overflow:auto;max-height:88vh}
aside h2{font-size:15px;margin:0 0 8px}aside ol{padding-left:18px;margin:0}aside li{margin:0 0 12px}
.when{color:#5b6573;font-variant-numeric:tabular-nums}.quote{display:block;margin:4px 0;padding:4px 8px;border-left:3px solid #9aa4b2;background:#f3f5f8}
.src{color:#5b6573;font-size:12px}.none{color:#5b6573}footer{padding:4px 20px 16px;color:#5b6573;font-size:12px}
kbd{border:1px solid #9aa4b2;border-radius:3px;padding:0 4px;font-size:12px}
"""

_JS = """
(function(){
  var data = JSON.parse(document.getElementById('frames-data').textContent);
  var frames = document.querySelectorAll('.frame');
  var slider = document.getElementById('slider'), dayEl = document.getElementById('day');
  var list = document.getElementById('events'), play = document.getElementById('play');
  var timer = null, current = -1;
  function esc(s){ var d=document.createElement('div'); d.textContent = s == null ? '' : String(s); return d.innerHTML; }
  function show(i){
    i = Math.max(0, Math.min(frames.length - 1, i));
    if (i === current) return;
    if (current >= 0) frames[current].classList.remove('current');
    frames[i].classList.add('current'); current = i;
    slider.value = i; dayEl.textContent = data[i].day;
    document.body.setAttribute('data-current-day', data[i].day);
    var ev = data[i].events;
    list.innerHTML = ev.length ? ev.map(function(e){
      return '<li><span class="when">' + esc(e.on) + '</span> <strong>' + esc(e.name) + '</strong> ' + esc(e.text) +
        (e.quote ? '<span class="quote" lang="ja">' + esc(e.quote) + '</span>' : '') +
        '<span class="src">' + esc(e.document || '') + (e.note ? ' — ' + esc(e.note) : '') + '</span></li>';
    }).join('') : '<li class="none">No change since the previous frame.</li>';
  }
  function toggle(){
    if (timer){ clearInterval(timer); timer = null; play.textContent = '▶ Play'; return; }
    if (current >= frames.length - 1) show(0);
    play.textContent = '❚❚ Pause';
    timer = setInterval(function(){ if (current >= frames.length - 1) { toggle(); } else { show(current + 1); } }, 1200);
  }
  slider.addEventListener('input', function(){ show(parseInt(slider.value, 10)); });
  play.addEventListener('click', toggle);
  document.getElementById('prev').addEventListener('click', function(){ show(current - 1); });
  document.getElementById('next').addEventListener('click', function(){ show(current + 1); });
  document.addEventListener('keydown', function(e){
    if (e.target === slider) return;  // the slider handles its own arrows
    if (e.key === 'ArrowRight') { show(current + 1); e.preventDefault(); }
    else if (e.key === 'ArrowLeft') { show(current - 1); e.preventDefault(); }
    else if (e.key === ' ') { toggle(); e.preventDefault(); }
  });
  show(0);
})();
"""


def script_json(data: Any) -> str:
    """JSON safe inside a <script> element: no `<`, `>` or `&` (so no `</script>` and no `<!--`
    can change how the browser parses the page), and no U+2028/2029."""
    text = json.dumps(data, ensure_ascii=False)
    for ch, esc in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026"), ("\u2028", "\\u2028"), ("\u2029", "\\u2029")):
        text = text.replace(ch, esc)
    return text


def timeline_page(organisation: str, frames: list[PageFrame], footer: str) -> str:
    """The whole page. Every text is escaped; frame data travels as JSON in a non-executed script tag."""
    if not frames:
        raise ValueError("a timeline needs at least one frame")
    meta = [{"day": f.day, "events": f.events} for f in frames]
    data = script_json(meta)
    title = html.escape(f"{organisation}: leadership {frames[0].day} → {frames[-1].day}")
    body = "\n".join(
        f'<div class="frame" data-day="{html.escape(f.day)}" id="frame-{i}">{inline_svg(f.svg)}</div>'
        for i, f in enumerate(frames)
    )
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:">
<title>{title}</title><style>{_CSS}</style></head>
<body>
<header><h1>{html.escape(organisation)}</h1><span id="day"></span>
<button id="prev" title="Previous frame (←)">◀</button>
<input id="slider" type="range" min="0" max="{len(frames) - 1}" value="0" step="1" aria-label="Date">
<button id="next" title="Next frame (→)">▶</button>
<button id="play" title="Play or pause (space)">▶ Play</button></header>
<main><section id="charts">{body}</section>
<aside><h2>Since the previous frame</h2><ol id="events"></ol></aside></main>
<footer>{html.escape(footer)} · Keys: <kbd>←</kbd> <kbd>→</kbd> move, <kbd>space</kbd> plays.</footer>
<script type="application/json" id="frames-data">{data}</script>
<script>{_JS}</script>
</body></html>
"""
