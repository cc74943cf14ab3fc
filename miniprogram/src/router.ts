/**
 * History routing (not hash): warning-card links are plain paths
 * (`/alerts/12?sig=…`), the OAuth callback returns to a path, and the server
 * answers every unknown non-API path with index.html. The JS-SDK re-signs
 * `location.href.split('#')[0]` when the path changes (wecom-reference §7).
 * Every page is its own chunk.
 */
import { reactive } from 'vue';
import { createRouter, createWebHistory, type RouteRecordRaw } from 'vue-router';
import { ApiError, setAuthLostHandler } from './api/http';
import type { Role } from './api/types';
import { homeOf, loadMe, session } from './state/session';

declare module 'vue-router' {
  interface RouteMeta {
    public?: boolean;
    roles?: Role[];
    title?: string;
    tab?: string;
    hideTabbar?: boolean;
  }
}

const MANAGERS: Role[] = ['manager', 'director'];
/** Whoever may read customers (compliance may not: a tab or link there would only meet 403). */
const CUSTOMER_READERS: Role[] = ['rep', 'manager', 'director', 'admin'];
/** Who works deals and leads. */
const SELLERS: Role[] = ['rep', 'manager', 'director'];
/** Who reads promotions' effect (core/retail/promotions.ts). */
const PROMOTION_READERS: Role[] = ['rep', 'manager', 'director', 'admin', 'inspector'];
/** Who reads 新品上架 (core/retail): everyone but compliance. */
const RETAIL_READERS: Role[] = ['rep', 'manager', 'director', 'admin', 'clerk', 'inspector'];
/** Who reads the 新品上架看板: whoever oversees stores (a clerk's own launch is on 上架). */
const LAUNCH_BOARD_READERS: Role[] = ['rep', 'manager', 'director', 'admin', 'inspector'];
const routes: RouteRecordRaw[] = [
  { path: '/', name: 'home', component: { render: () => null } },
  { path: '/login', component: () => import('./pages/LoginPage.vue'), meta: { public: true, title: '登录' } },
  { path: '/join/:token', component: () => import('./pages/retail/JoinPage.vue'), meta: { public: true, title: '加入门店' } },
  { path: '/clerk', component: () => import('./pages/retail/ClerkEntryPage.vue'), meta: { public: true, title: '店员登录' } },
  { path: '/session-expired', component: () => import('./pages/SessionExpiredPage.vue'), meta: { public: true, title: '登录已过期' } },
  { path: '/today', component: () => import('./pages/TodayPage.vue'), meta: { title: '今日', tab: 'today' } },
  { path: '/customers', component: () => import('./pages/CustomersPage.vue'), meta: { title: '客户', tab: 'customers', roles: CUSTOMER_READERS } },
  { path: '/customers/:id(\\d+)', component: () => import('./pages/CustomerPage.vue'), meta: { title: '客户', tab: 'customers', roles: CUSTOMER_READERS } },
  { path: '/actions/:id(\\d+)', component: () => import('./pages/VisitPage.vue'), meta: { title: '拜访报告', tab: 'today', hideTabbar: true } },
  { path: '/deals', component: () => import('./pages/deals/DealsPage.vue'), meta: { title: '商机', tab: 'deals', roles: SELLERS } },
  { path: '/deals/:id(\\d+)', component: () => import('./pages/deals/DealPage.vue'), meta: { title: '商机', tab: 'deals', roles: SELLERS } },
  { path: '/leads', component: () => import('./pages/leads/LeadsPage.vue'), meta: { title: '线索', tab: 'customers', roles: SELLERS } },
  { path: '/leads/:id(\\d+)', component: () => import('./pages/leads/LeadPage.vue'), meta: { title: '线索', tab: 'customers', roles: SELLERS } },
  { path: '/processes', component: () => import('./pages/processes/ProcessesPage.vue'), meta: { title: '强制流程', tab: 'customers', roles: SELLERS } },
  { path: '/processes/:id(\\d+)', component: () => import('./pages/processes/ProcessPage.vue'), meta: { title: '强制流程', tab: 'customers', roles: SELLERS } },
  { path: '/launches', component: () => import('./pages/retail/LaunchesPage.vue'), meta: { title: '新品上架', tab: 'launches', roles: RETAIL_READERS } },
  { path: '/launches/new', component: () => import('./pages/retail/LaunchNewPage.vue'), meta: { title: '发起新品上架', tab: 'launches', roles: SELLERS } },
  { path: '/launches/:id(\\d+)', component: () => import('./pages/retail/LaunchPage.vue'), meta: { title: '新品上架', tab: 'launches', roles: RETAIL_READERS } },
  { path: '/stores', component: () => import('./pages/retail/StoresPage.vue'), meta: { title: '门店', tab: 'me', roles: ['rep', 'manager', 'director', 'admin', 'inspector'] } },
  { path: '/retail/catalogue', component: () => import('./pages/retail/CataloguePage.vue'), meta: { title: '商品目录', tab: 'me', roles: ['admin', 'manager', 'director'] } },
  { path: '/retail/sales-import', component: () => import('./pages/retail/SalesImportPage.vue'), meta: { title: '销售数据导入', tab: 'me', roles: ['admin', 'manager', 'director'] } },
  { path: '/retail/accuracy', component: () => import('./pages/retail/EntryAccuracyPage.vue'), meta: { title: '数据填报准确率', tab: 'me', roles: ['rep', 'manager', 'director', 'admin', 'inspector'] } },
  { path: '/promotions', component: () => import('./pages/retail/PromotionsPage.vue'), meta: { title: '促销效果', tab: 'me', roles: PROMOTION_READERS } },
  { path: '/promotions/new', component: () => import('./pages/retail/PromotionNewPage.vue'), meta: { title: '发起促销', tab: 'me', roles: MANAGERS } },
  { path: '/promotions/:id(\\d+)/edit', component: () => import('./pages/retail/PromotionNewPage.vue'), meta: { title: '修改促销', tab: 'me', roles: MANAGERS } },
  { path: '/promotions/:id(\\d+)', component: () => import('./pages/retail/PromotionPage.vue'), meta: { title: '促销效果', tab: 'me', roles: PROMOTION_READERS } },
  { path: '/scorecard', component: () => import('./pages/retail/ScorecardPage.vue'), meta: { title: '门店健康度', tab: 'me', roles: RETAIL_READERS } },
  { path: '/scorecard/stores/:id(\\d+)', component: () => import('./pages/retail/StoreScorecardPage.vue'), meta: { title: '门店健康度评分卡', tab: 'me', roles: RETAIL_READERS } },
  { path: '/retail/patrol-plans', component: () => import('./pages/retail/PatrolPlansPage.vue'), meta: { title: '巡店计划', tab: 'me', roles: ['manager', 'director', 'admin'] } },
  { path: '/patrols', component: () => import('./pages/retail/PatrolsPage.vue'), meta: { title: '巡店', tab: 'patrols', roles: RETAIL_READERS } },
  { path: '/patrols/:id(\\d+)', component: () => import('./pages/retail/PatrolPage.vue'), meta: { title: '巡店', tab: 'patrols', roles: RETAIL_READERS } },
  { path: '/followup', component: () => import('./pages/FollowUpPage.vue'), meta: { title: '跟进', tab: 'followup' } },
  { path: '/daily-report', component: () => import('./pages/DailyReportPage.vue'), meta: { title: '日报', tab: 'followup' } },
  { path: '/alerts', component: () => import('./pages/AlertsPage.vue'), meta: { title: '预警', tab: 'alerts' } },
  { path: '/alerts/:id(\\d+)', component: () => import('./pages/AlertPage.vue'), meta: { title: '预警处理', tab: 'alerts' } },
  { path: '/team', component: () => import('./pages/TeamPage.vue'), meta: { title: '团队', tab: 'team', roles: MANAGERS } },
  { path: '/todos', component: () => import('./pages/SupervisorTodosPage.vue'), meta: { title: '我的待办', tab: 'team', roles: ['manager', 'director'] } },
  { path: '/evidence-reviews', component: () => import('./pages/EvidenceReviewsPage.vue'), meta: { title: '证据复核', tab: 'team', roles: ['manager', 'director'] } },
  { path: '/evidence-reviews/:submissionId(\\d+)', component: () => import('./pages/EvidenceReviewPage.vue'), meta: { title: '证据复核', tab: 'team', roles: ['manager', 'director'], hideTabbar: true } },
  { path: '/dispatch', component: () => import('./pages/DispatchPage.vue'), meta: { title: '派发事项', tab: 'team', roles: ['manager', 'director', 'rep'] } },
  { path: '/settings', component: () => import('./pages/settings/SettingsPage.vue'), meta: { title: '设置', tab: 'settings' } },
  { path: '/settings/s/:id', component: () => import('./pages/settings/SettingPage.vue'), meta: { title: '设置', tab: 'settings' } },
  { path: '/settings/history', component: () => import('./pages/settings/SettingHistoryPage.vue'), meta: { title: '变更记录', tab: 'settings' } },
  { path: '/settings/pipeline/:id', component: () => import('./pages/settings/PipelinePage.vue'), meta: { title: '销售流程', tab: 'settings' } },
  { path: '/settings/action-definition/:id', component: () => import('./pages/settings/DefinitionPage.vue'), meta: { title: '事项规则', tab: 'settings' } },
  { path: '/settings/process-template/:id', component: () => import('./pages/settings/ProcessTemplatePage.vue'), meta: { title: '流程模板', tab: 'settings' } },
  { path: '/settings/holidays/:id', component: () => import('./pages/settings/HolidaysPage.vue'), meta: { title: '节假日', tab: 'settings' } },
  { path: '/settings/talk-tracks/:id(\\d+|new)', component: () => import('./pages/talk-tracks/TalkTrackEditPage.vue'), meta: { title: '编辑话术包', tab: 'settings', roles: ['admin'], hideTabbar: true } },
  { path: '/talk-tracks', component: () => import('./pages/talk-tracks/TalkTracksPage.vue'), meta: { title: '话术包', tab: 'me' } },
  { path: '/talk-tracks/:id(\\d+)', component: () => import('./pages/talk-tracks/TalkTrackPage.vue'), meta: { title: '话术包', tab: 'me', hideTabbar: true } },
  { path: '/settings/sessions', component: () => import('./pages/settings/SessionsPage.vue'), meta: { title: '登录与会话', tab: 'settings', roles: ['admin'] } },
  { path: '/settings/understanding', component: () => import('./pages/settings/LearnedExamplesPage.vue'), meta: { title: '机器人学到的说法', tab: 'settings', roles: ['admin'] } },
  { path: '/dashboards', component: () => import('./pages/DashboardPage.vue'), meta: { title: '过程看板', tab: 'me', roles: ['rep', 'manager', 'director', 'admin'] } },
  { path: '/dashboards/launches', component: () => import('./pages/retail/LaunchBoardPage.vue'), meta: { title: '新品上架看板', tab: 'me', roles: LAUNCH_BOARD_READERS } },
  { path: '/dashboards/:metric', component: () => import('./pages/DashboardMetricPage.vue'), meta: { title: '指标明细', tab: 'me', roles: ['rep', 'manager', 'director', 'admin'] } },
  { path: '/attribution', component: () => import('./pages/attribution/AttributionPage.vue'), meta: { title: '结果归因', tab: 'me', roles: MANAGERS } },
  { path: '/scoring-model', component: () => import('./pages/attribution/ModelPage.vue'), meta: { title: '赢率模型', tab: 'me', roles: ['director', 'admin'] } },
  { path: '/obstacles', component: () => import('./pages/ObstaclesPage.vue'), meta: { title: '堵点热力图', tab: 'me', roles: ['rep', 'manager', 'director', 'admin'] } },
  { path: '/outbox', component: () => import('./pages/OutboxPage.vue'), meta: { title: '发件箱', tab: 'me' } },
  { path: '/chat', component: () => import('./pages/ChatPage.vue'), meta: { title: '聊天', tab: 'me' } },
  { path: '/me', component: () => import('./pages/MePage.vue'), meta: { title: '我的', tab: 'me' } },
  { path: '/:rest(.*)*', component: () => import('./pages/NotFoundPage.vue'), meta: { public: true, title: '页面不存在' } },
];

export const router = createRouter({
  history: createWebHistory(),
  routes,
  scrollBehavior: (_to, _from, saved) => saved ?? { top: 0 },
});

router.beforeEach(async (to) => {
  if (to.meta.public) return true;
  if (!session.me) {
    // the page's chunk downloads while /api/me answers, not after (one round trip less on a first load)
    for (const m of to.matched) {
      const c = m.components?.default;
      if (typeof c === 'function') void (c as () => Promise<unknown>)().catch(() => undefined);
    }
    try {
      await loadMe();
    } catch (err) {
      // offline or server down: let the page render its own failure screen
      if (err instanceof ApiError && err.transient) return true;
      throw err;
    }
    if (!session.me) {
      return session.authProblem === 'SESSION_EXPIRED'
        ? { path: '/session-expired', query: { redirect: to.fullPath } }
        : { path: '/login', query: { redirect: to.fullPath } };
    }
  }
  if (to.name === 'home') return homeOf(session.me.role);
  if (to.meta.roles && !to.meta.roles.includes(session.me.role)) return homeOf(session.me.role);
  return true;
});

/**
 * A page's chunk that cannot be fetched (offline, or a deploy replaced it)
 * must not leave the screen as it was: the shell shows the failure with a
 * retry that reloads the target.
 */
export const navFailure = reactive({ error: null as unknown, target: '' });
router.onError((err, to) => {
  navFailure.target = to.fullPath;
  navFailure.error = navigator.onLine
    ? new ApiError(0, 'CHUNK_LOAD_FAILED', '页面加载失败，可能刚刚发布了新版本。请重试。')
    : new ApiError(0, 'OFFLINE', String((err as Error)?.message ?? err));
});

router.afterEach((to) => {
  navFailure.error = null;
  document.title = to.meta.title ? `${to.meta.title} · 动作流` : '动作流';
});

// a session that dies mid-use (401 SESSION_EXPIRED) goes to its own screen, keeping where the user was
setAuthLostHandler((err, path) => {
  const here = router.currentRoute.value;
  // /api/me is the guard's own check: it decides where to go
  if (here.meta.public || path === '/api/me') return;
  session.me = null;
  const redirect = here.fullPath;
  void router.replace(err.code === 'SESSION_EXPIRED'
    ? { path: '/session-expired', query: { redirect } }
    : { path: '/login', query: { redirect } });
});

/**
 * Once signed in, fetch the role's page chunks while the network is idle, so
 * a rep who loses signal in a basement can still move between pages.
 */
const PREFETCH_DELAY_MS = 4000;

export function prefetchPagesFor(role: Role): void {
  const byRole: Record<string, Array<() => Promise<unknown>>> = {
    rep: [() => import('./pages/TodayPage.vue'), () => import('./pages/VisitPage.vue'), () => import('./pages/CustomersPage.vue'),
      () => import('./pages/FollowUpPage.vue'), () => import('./pages/DailyReportPage.vue'), () => import('./pages/MePage.vue')],
    manager: [() => import('./pages/AlertsPage.vue'), () => import('./pages/AlertPage.vue'), () => import('./pages/TeamPage.vue'),
      () => import('./pages/SupervisorTodosPage.vue'), () => import('./pages/CustomersPage.vue'), () => import('./pages/MePage.vue')],
  };
  const list = byRole[role === 'rep' ? 'rep' : role === 'admin' || role === 'clerk' || role === 'inspector' ? '' : 'manager'] ?? [];
  const idle = (window as any).requestIdleCallback ?? ((f: () => void) => setTimeout(f, 1500));
  // not before the first page has its data: on a phone's connection the prefetch would queue in front of it
  const afterFirstPage = () => setTimeout(() => idle(() => { for (const load of list) void load().catch(() => undefined); }), PREFETCH_DELAY_MS);
  if (document.readyState === 'complete') afterFirstPage(); else window.addEventListener('load', afterFirstPage, { once: true });
}
