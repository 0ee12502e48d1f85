"""Targets of at least 24 × 24 px (WCAG 2.5.8, minimum target size), measured in the browser.

Used by the walk over every page of test_clean_html.py, at 360 and at 1280 px.
"""

from __future__ import annotations

# Every visible thing one can click or tap (within `scope`, when a menu or sheet lies over the
# rest), with its box; WCAG 2.5.8's exceptions are worked out here: a link inside a sentence,
# and an undersized target whose 24 px circle touches no other target (nor the circle of
# another undersized one).
TARGETS = r"""(scope) => {
  const selector = 'a[href], button, input:not([type=hidden]), select, textarea, summary, ' +
                   '[role=button], [tabindex]:not([tabindex="-1"])';
  const shown = el => el.checkVisibility({visibilityProperty: true, opacityProperty: true}) &&
                      el.getBoundingClientRect().width > 0;
  const inSentence = el => {
    if (getComputedStyle(el).display !== 'inline') return false;
    let block = el.parentElement;
    while (block && getComputedStyle(block).display.startsWith('inline')) block = block.parentElement;
    const around = block.textContent.replace(el.textContent, '').trim();
    return around.length > 0;
  };
  const root = scope ? document.querySelector(scope) : document;
  const all = Array.from(root.querySelectorAll(selector)).filter(shown)
    .filter(el => !el.closest('a[href], button, summary') || el.closest('a[href], button, summary') === el);
  const box = el => el.getBoundingClientRect();
  const small = all.filter(el => { const r = box(el); return r.width < 23.5 || r.height < 23.5; });
  const centre = r => [r.left + r.width / 2, r.top + r.height / 2];
  const circleHitsBox = (c, r) => {
    const x = Math.max(r.left, Math.min(c[0], r.right)), y = Math.max(r.top, Math.min(c[1], r.bottom));
    return Math.hypot(c[0] - x, c[1] - y) < 12;
  };
  const name = el => {
    const r = box(el);
    return `${el.tagName.toLowerCase()}.${el.className} "${(el.textContent || el.getAttribute('aria-label') || el.name || '').trim().slice(0, 40)}" ${Math.round(r.width)}×${Math.round(r.height)}`;
  };
  return small.filter(el => !inSentence(el)).map(el => {
    const c = centre(box(el));
    const near = all.find(other => other !== el && !other.contains(el) && !el.contains(other) && (
      circleHitsBox(c, box(other)) ||
      (small.includes(other) && Math.hypot(c[0] - centre(box(other))[0], c[1] - centre(box(other))[1]) < 24)));
    return near ? `${name(el)}, too near ${name(near)}` : null;
  }).filter(Boolean);
}"""


# What lies over the page when its button is pressed: (the button, the part that opens).
OVERLAYS = ((".menu-button", "#site-menu"), (".sheet-toggle", ".map-sheet"))


def small_targets(page, overlays=OVERLAYS) -> list[str]:
    """The targets under 24 px on the page as it is shown, then within each of `overlays`
    whose button is visible, opened on its own and closed again."""
    found = page.evaluate(TARGETS, None)
    for toggle, scope in overlays:
        button = page.locator(toggle)
        if button.count() == 1 and button.is_visible():
            button.click()
            found += [f"({scope} open) {target}" for target in page.evaluate(TARGETS, scope)]
            button.click()
    return found
