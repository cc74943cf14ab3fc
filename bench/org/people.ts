import type pg from 'pg';
import { GIVEN, SURNAMES } from '../../core/seed/demo-org.data.js';
import { prng } from '../../core/seed/prng.js';
import { REGIONS, type City } from '../../core/seed/china.js';

/** What later phases need to know about the generated sales force. */
export interface SalesForce {
  departments: number;
  users: number;
  /** Parallel arrays, one entry per rep. */
  repIds: number[];
  repDeptIds: number[];
  repManagerIds: number[];
  repCities: City[];
}

const TEAM_SIZE = 8;
const TEAMS_PER_REGION = 9;

/**
 * Departments as a realistic tree — company → 销售中心 → regions → teams of
 * ~8 reps, plus 合规部 and 信息部 — and the people in it: one director, a
 * manager per region and per team, the reps, two compliance officers and an
 * admin. `tag` keeps userids unique when several orgs share a database.
 */
export async function createSalesForce(pool: pg.Pool, opts: { reps: number; seed: number; tag: string }): Promise<SalesForce> {
  const rand = prng(opts.seed);
  const personName = () => SURNAMES[Math.floor(rand() * SURNAMES.length)] + GIVEN[Math.floor(rand() * GIVEN.length)] +
    (rand() < 0.5 ? GIVEN[Math.floor(rand() * GIVEN.length)] : '');
  const teams = Math.max(1, Math.ceil(opts.reps / TEAM_SIZE));
  const regionCount = Math.min(REGIONS.length, Math.max(1, Math.ceil(teams / TEAMS_PER_REGION)));
  let departments = 0;
  const dept = async (name: string, parent: { id: number; path: string } | null, order: number) => {
    departments++;
    const { rows } = await pool.query(
      `WITH n AS (SELECT nextval(pg_get_serial_sequence('departments', 'id')) AS id)
       INSERT INTO departments (id, name, parent_id, path, sort_order)
       SELECT n.id, $1, $2, $3 || n.id || '/', $4 FROM n RETURNING id, path`,
      [name, parent?.id ?? null, parent?.path ?? '/', order],
    );
    return rows[0] as { id: number; path: string };
  };
  const users = async (rows: Array<[string, string, string, number, number | null, string]>) => {
    const cols = [0, 1, 2, 3, 4, 5].map((i) => rows.map((r) => r[i]));
    const res = await pool.query(
      `INSERT INTO users (wecom_userid, name, role, department_id, manager_id, position)
       SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::bigint[], $5::bigint[], $6::text[])
       RETURNING id, wecom_userid`,
      cols,
    );
    const byUserid = new Map(res.rows.map((r) => [r.wecom_userid as string, Number(r.id)]));
    return rows.map((r) => byUserid.get(r[0])!);
  };

  const root = await dept(`压测快消集团（${opts.tag}）`, null, 0);
  const sales = await dept('销售中心', root, 1);
  const compliance = await dept('合规部', root, 2);
  const it = await dept('信息部', root, 3);
  const [directorId] = await users([[`${opts.tag}.director`, personName(), 'director', sales.id, null, '销售总监']]);
  await users([
    [`${opts.tag}.compliance1`, personName(), 'compliance', compliance.id, null, '合规专员'],
    [`${opts.tag}.compliance2`, personName(), 'compliance', compliance.id, null, '合规专员'],
    [`${opts.tag}.admin`, personName(), 'admin', it.id, null, '系统管理员'],
  ]);

  const regions = [];
  for (let r = 0; r < regionCount; r++) regions.push(await dept(REGIONS[r].name, sales, r));
  const regionManagers = await users(regions.map((d, r) =>
    [`${opts.tag}.rm${r + 1}`, personName(), 'manager', d.id, directorId, `${REGIONS[r].name}经理`]));

  const teamDepts: Array<{ id: number; city: City }> = [];
  const teamCount = new Map<string, number>();
  for (let t = 0; t < teams; t++) {
    const r = t % regionCount;
    const cities = REGIONS[r].cities;
    const city = cities[Math.floor(t / regionCount) % cities.length];
    const n = (teamCount.get(city.name) ?? 0) + 1;
    teamCount.set(city.name, n);
    const d = await dept(`${city.name}${n}组`, regions[r], t);
    teamDepts.push({ id: d.id, city });
  }
  const teamManagers = await users(teamDepts.map((d, t) =>
    [`${opts.tag}.tm${t + 1}`, personName(), 'manager', d.id, regionManagers[t % regionCount], '销售主管']));

  const repRows: Array<[string, string, string, number, number | null, string]> = [];
  const repDeptIds: number[] = [];
  const repManagerIds: number[] = [];
  const repCities: City[] = [];
  for (let i = 0; i < opts.reps; i++) {
    const t = Math.floor(i / TEAM_SIZE);
    repRows.push([`${opts.tag}.rep${i + 1}`, personName(), 'rep', teamDepts[t].id, teamManagers[t], '业务员']);
    repDeptIds.push(teamDepts[t].id);
    repManagerIds.push(teamManagers[t]);
    repCities.push(teamDepts[t].city);
  }
  const repIds = opts.reps > 0 ? await users(repRows) : [];
  return {
    departments,
    users: 4 + regionManagers.length + teamManagers.length + repIds.length,
    repIds, repDeptIds, repManagerIds, repCities,
  };
}
