/** What a report is called to its rep, in the bot and in its messages: 华联超市总部的拜访报告, or the action's title. */
export function reportName(a: { definitionCode: string; customerName: string; title: string }): string {
  return a.definitionCode === 'visit' ? `${a.customerName}的拜访报告` : `「${a.title}」`;
}
