/**
 * The default B2B pipeline "销售管理系统" as data. Admins copy and edit it; it
 * is validated by PipelineSchema like any edited pipeline (see tests).
 */
import type { Pipeline } from './pipeline.js';

const item = (key: string, label: string, required = true) => ({ key, label, required });

export const DEFAULT_PIPELINE: Pipeline = {
  code: 'sales_default',
  name: '销售管理系统',
  stages: [
    { key: 'lead_qualified', name: '线索确认', checklist: [
      item('contact_confirmed', '确认客户联系人及联系方式'),
      item('intent_confirmed', '确认采购意向与预算范围'),
      item('profile_complete', '完善客户类型、区域与归属'),
    ] },
    { key: 'needs_analysis', name: '需求分析', checklist: [
      item('needs_interview', '完成需求调研访谈'),
      item('decision_chain', '识别决策链关键人（采购、使用部门、审批人）'),
      item('timeline', '明确采购时间表'),
    ] },
    { key: 'solution_quote', name: '方案报价', checklist: [
      item('solution_sent', '提交解决方案'),
      item('quote_approved', '报价单经主管审批'),
      item('quote_received', '客户确认收到报价'),
    ] },
    { key: 'negotiation', name: '商务谈判', checklist: [], subStages: [
      { key: 'tech_confirm', name: '技术方案确认', checklist: [
        item('spec_confirmed', '技术参数与规格确认'),
        item('demo_done', '样品测试或演示完成'),
        item('tech_signoff', '客户技术负责人书面确认'),
      ] },
      { key: 'commercial_terms', name: '商务条款磋商', checklist: [
        item('price_agreed', '价格与折扣确认'),
        item('payment_terms', '账期与付款方式确认'),
        item('delivery_terms', '交付周期与物流条款确认'),
        item('rebate_terms', '返利与促销支持条款确认', false),
      ] },
      // small standard-form orders often skip legal review; the reason is kept for audit
      { key: 'legal_review', name: '法务审核', allowSkipWithReason: true, checklist: [
        item('draft_sent', '合同文本已提交客户法务'),
        item('comments_resolved', '法务修改意见已处理'),
      ] },
    ] },
    { key: 'contract', name: '合同签约', checklist: [
      item('signed', '合同双方签字盖章'),
      item('archived', '合同扫描件已上传归档'),
    ] },
    { key: 'delivery', name: '交付实施', checklist: [
      item('shipped', '首批货物发出或入库确认'),
      item('acceptance', '客户验收单已签署'),
    ] },
    { key: 'collection', name: '回款', checklist: [
      item('invoiced', '发票已开具'),
      item('paid', '款项到账确认'),
    ] },
    { key: 'after_sales', name: '售后服务', checklist: [
      item('satisfaction_call', '完成客户满意度回访'),
      item('upsell_logged', '登记复购或增购机会', false),
    ] },
  ],
};
