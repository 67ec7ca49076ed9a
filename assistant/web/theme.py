"""The page's look: a light theme whose every text and control meets WCAG 2.1 AA contrast.

The app is light only (see docs/app.md, "Accessibility"): `HEAD` undoes Gradio's dark mode,
whether it comes from the system setting or from ``?__theme=dark``, so that the colours checked
for contrast are the only ones a user ever sees.
"""

from __future__ import annotations

import gradio as gr

# Runs before Gradio's own scripts: whenever Gradio adds the "dark" class (system dark mode,
# ?__theme=dark), take it away again. CSS `color-scheme: light` keeps native controls light.
HEAD = """
<meta name="color-scheme" content="light">
<script>
(() => {
  const light = () => {
    for (const el of [document.documentElement, document.body]) {
      if (el && el.classList.contains('dark')) el.classList.remove('dark');
    }
  };
  new MutationObserver(light).observe(document.documentElement,
    {attributes: true, subtree: true, attributeFilter: ['class']});
  light();
})();
</script>
"""


def light_theme() -> gr.themes.Base:
    """Gradio's Soft theme in teal, with the colours darkened where its defaults fall below
    AA (4.5:1 for text): labels, subdued text, the selected tab, primary buttons, checkboxes."""
    theme = gr.themes.Soft(
        primary_hue="teal",
        secondary_hue="slate",
        neutral_hue="gray",
        font=[gr.themes.LocalFont("Source Sans Pro"), "ui-sans-serif", "system-ui", "sans-serif"],
    )
    return theme.set(
        color_accent="*primary_700",
        color_accent_soft="*primary_50",
        body_text_color="*neutral_900",
        body_text_color_subdued="*neutral_600",
        block_label_text_color="*primary_800",
        block_label_background_fill="*primary_50",
        block_title_text_color="*primary_800",
        block_info_text_color="*neutral_600",
        input_placeholder_color="*neutral_500",
        input_border_color="*neutral_500",
        input_border_width="1px",
        link_text_color="*primary_800",
        link_text_color_visited="*primary_800",
        link_text_color_hover="*primary_900",
        button_primary_background_fill="*primary_700",
        button_primary_background_fill_hover="*primary_800",
        button_primary_text_color="white",
        button_primary_text_color_hover="white",
        button_secondary_text_color="*neutral_800",
        checkbox_label_background_fill_selected="*primary_700",
        checkbox_label_text_color_selected="white",
        checkbox_background_color_selected="*primary_700",
        checkbox_border_color_selected="*primary_700",
    )
