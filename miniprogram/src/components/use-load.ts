import { ref, shallowRef, type Ref } from 'vue';

/**
 * A page's data: loading, the value, or the error the page shows with
 * <ErrorState>. `reload()` re-runs it (the 重试 button).
 *
 *   const { data, error, loading, reload } = useLoad(() => api.get<Customer>(`/api/customers/${id}`));
 */
export function useLoad<T>(fn: () => Promise<T>, immediate = true): {
  data: Ref<T | null>; error: Ref<unknown>; loading: Ref<boolean>; reload: () => Promise<void>;
} {
  const data = shallowRef<T | null>(null) as Ref<T | null>;
  const error = shallowRef<unknown>(null);
  const loading = ref(false);
  async function reload(): Promise<void> {
    loading.value = true;
    error.value = null;
    try {
      data.value = await fn();
    } catch (e) {
      error.value = e;
    } finally {
      loading.value = false;
    }
  }
  if (immediate) void reload();
  return { data, error, loading, reload };
}

export function fmtTime(iso: string | null | undefined): string {
  if (!iso) return '—';
  const d = new Date(iso);
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getMonth() + 1}月${d.getDate()}日 ${p(d.getHours())}:${p(d.getMinutes())}`;
}

/** '12月3日' from an ISO instant (phone's zone) or a 'YYYY-MM-DD' day. */
export function fmtDay(iso: string | null | undefined): string {
  if (!iso) return '';
  if (/^\d{4}-\d{2}-\d{2}$/.test(iso)) return `${Number(iso.slice(5, 7))}月${Number(iso.slice(8, 10))}日`;
  const d = new Date(iso);
  return `${d.getMonth() + 1}月${d.getDate()}日`;
}

export function fmtDue(iso: string | null, now = Date.now()): { text: string; tone: 'red' | 'orange' | 'green' | '' } {
  if (!iso) return { text: '无截止时间', tone: '' };
  const ms = new Date(iso).getTime() - now;
  const days = Math.floor(Math.abs(ms) / 86_400_000);
  const hours = Math.floor((Math.abs(ms) % 86_400_000) / 3_600_000);
  if (ms < 0) return { text: `已逾期${days ? `${days}天` : `${hours}小时`}`, tone: 'red' };
  if (ms < 86_400_000) return { text: `${hours}小时内到期`, tone: 'orange' };
  return { text: `${days}天后到期（${fmtTime(iso)}）`, tone: 'green' };
}

export const STATUS_TONE: Record<string, string> = {
  dispatched: 'blue', in_progress: 'blue', submitted: 'green', verified: 'green', archived: '',
  rejected: 'red', overdue: 'red', escalated: 'red',
};

export const ORDER_STATUS: Record<string, string> = { draft: '草稿', confirmed: '已确认', shipped: '已发货', delivered: '已送达', cancelled: '已取消' };

/** A recording's length as a rep reads it: 「6秒」, 「1分05秒」. */
export function fmtDuration(ms: number): string {
  const total = Math.max(1, Math.round(ms / 1000));
  const m = Math.floor(total / 60);
  const sec = total % 60;
  return m ? `${m}分${String(sec).padStart(2, '0')}秒` : `${sec}秒`;
}
