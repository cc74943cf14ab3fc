/** A lead's status and source as screens say them. */
import type { Lead } from '../../api/types';

export const LEAD_SOURCES: Record<string, string> = {
  manual: '手工录入', website: '官网', referral: '转介绍', exhibition: '展会', wecom: '企业微信', phone: '电话', other: '其他',
};

export function leadStatus(l: Pick<Lead, 'status' | 'acceptedAt'>): { text: string; tone: string } {
  if (l.status === 'new') return { text: '待分配', tone: 'orange' };
  if (l.status === 'assigned') return l.acceptedAt ? { text: '跟进中', tone: 'blue' } : { text: '待接收', tone: 'orange' };
  if (l.status === 'converted') return { text: '已转为商机', tone: 'green' };
  return { text: '无效', tone: '' };
}

export const CUSTOMER_TYPES: Record<string, string> = { ka: 'KA连锁', hospital: '医院', store: '门店', dealer: '经销商' };
