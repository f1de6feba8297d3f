/** Notification templates: name -> subject line. Bodies are rendered by the delivery channel. */
export const TEMPLATES = {
  // team partners (issue 3)
  // host-guest partnerships (issue 4)
  // sharing (issue 5)
} as const satisfies Record<string, (data: Record<string, unknown>) => string>;

export type TemplateName = keyof typeof TEMPLATES | string;

export function renderSubject(template: TemplateName, data: Record<string, unknown>): string {
  const render = (TEMPLATES as Record<string, (d: Record<string, unknown>) => string>)[template];
  return render ? render(data) : template.replace(/[._]/g, ' ');
}
