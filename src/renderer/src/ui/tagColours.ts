/**
 * Text colours for antd's preset tag colours whose own text fails WCAG AA contrast (4.5:1) on
 * the tag's tinted background: orange #d46b08 (3.3:1), gold #d48806 (2.9:1), cyan #08979c
 * (3.4:1). Darker shades of the same hue (antd's palette, level 8–9) keep the meaning and read
 * at 5:1 or more. Given as an inline style: antd's CSS-in-JS would outrank a stylesheet rule.
 */
const READABLE_TEXT: Record<string, string> = {
  orange: '#ad4e00',
  gold: '#874d00',
  cyan: '#006d75',
  green: '#237804',
  lime: '#3f6600',
  volcano: '#ad2102',
};

export function tagTextStyle(color: string | undefined): { color: string } | undefined {
  const text = color ? READABLE_TEXT[color] : undefined;
  return text ? { color: text } : undefined;
}
