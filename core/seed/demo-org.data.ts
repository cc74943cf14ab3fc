/**
 * The demo organisation "演示快消科技有限公司". Later tests rely on these
 * userids; the customers are fictional but placed at real street coordinates
 * (GCJ-02, as Chinese map services return them).
 */
import type { Role } from '../auth/actor.js';

export const DEMO_DEPARTMENTS = [
  { key: 'root', wecomId: 1, name: '演示快消科技有限公司', parent: null },
  { key: 'sales', wecomId: 2, name: '销售中心', parent: 'root' },
  { key: 'east', wecomId: 3, name: '华东区', parent: 'sales' },
  { key: 'north', wecomId: 4, name: '华北区', parent: 'sales' },
  { key: 'compliance', wecomId: 5, name: '合规部', parent: 'root' },
  { key: 'it', wecomId: 6, name: '信息部', parent: 'root' },
] as const;

export type DeptKey = (typeof DEMO_DEPARTMENTS)[number]['key'];

export const DEMO_USERS: Array<{
  userid: string; name: string; role: Role;
  dept: DeptKey; manager: string | null; position: string;
}> = [
  { userid: 'director.wang', name: '王建国', role: 'director', dept: 'sales', manager: null, position: '销售总监' },
  { userid: 'mgr.li', name: '李明', role: 'manager', dept: 'east', manager: 'director.wang', position: '华东区经理' },
  { userid: 'mgr.chen', name: '陈静', role: 'manager', dept: 'north', manager: 'director.wang', position: '华北区经理' },
  { userid: 'rep.zhao', name: '赵磊', role: 'rep', dept: 'east', manager: 'mgr.li', position: '业务员' },
  { userid: 'rep.qian', name: '钱芳', role: 'rep', dept: 'east', manager: 'mgr.li', position: '业务员' },
  { userid: 'rep.sun', name: '孙浩', role: 'rep', dept: 'east', manager: 'mgr.li', position: '业务员' },
  { userid: 'rep.zhou', name: '周婷', role: 'rep', dept: 'north', manager: 'mgr.chen', position: '业务员' },
  { userid: 'rep.wu', name: '吴强', role: 'rep', dept: 'north', manager: 'mgr.chen', position: '业务员' },
  { userid: 'rep.zheng', name: '郑丽', role: 'rep', dept: 'north', manager: 'mgr.chen', position: '业务员' },
  { userid: 'compliance.he', name: '何敏', role: 'compliance', dept: 'compliance', manager: null, position: '合规专员' },
  { userid: 'admin.lin', name: '林涛', role: 'admin', dept: 'it', manager: null, position: '系统管理员' },
];

export const DEMO_PRODUCT_LINES = [
  { code: 'beverage', name: '饮料' },
  { code: 'snack', name: '休闲食品' },
  { code: 'medical', name: '医用耗材' },
] as const;

type T = 'ka' | 'hospital' | 'store' | 'dealer';
/** [name, type, address, lat, lng, ownerUserid, productLine] */
export const DEMO_CUSTOMERS: Array<[string, T, string, number, number, string, string]> = [
  ['华联超市总部', 'ka', '上海市黄浦区南京东路800号', 31.2376, 121.4797, 'rep.zhao', 'beverage'],
  ['永辉超市上海区域公司', 'ka', '上海市普陀区真北路1108号', 31.2489, 121.3997, 'rep.zhao', 'beverage'],
  ['联华超市江桥店', 'ka', '上海市嘉定区江桥镇华江路129号', 31.2476, 121.3306, 'rep.qian', 'snack'],
  ['苏果超市南京总部', 'ka', '南京市鼓楼区中山北路219号', 32.0725, 118.7711, 'rep.sun', 'snack'],
  ['世纪联华杭州庆春店', 'ka', '杭州市上城区庆春路86号', 30.2614, 120.1752, 'rep.qian', 'beverage'],
  ['大润发苏州园区店', 'ka', '苏州市工业园区星湖街2号', 31.3046, 120.7226, 'rep.sun', 'beverage'],
  ['上海市第六人民医院', 'hospital', '上海市徐汇区宜山路600号', 31.1787, 121.4285, 'rep.zhao', 'medical'],
  ['浙江省人民医院', 'hospital', '杭州市上城区上塘路158号', 30.2884, 120.1648, 'rep.qian', 'medical'],
  ['南京鼓楼医院', 'hospital', '南京市鼓楼区中山路321号', 32.0604, 118.7829, 'rep.sun', 'medical'],
  ['苏州大学附属第一医院', 'hospital', '苏州市姑苏区十梓街188号', 31.3036, 120.6312, 'rep.sun', 'medical'],
  ['罗森静安寺店', 'store', '上海市静安区南京西路1788号', 31.2234, 121.4465, 'rep.zhao', 'snack'],
  ['全家徐家汇店', 'store', '上海市徐汇区漕溪北路88号', 31.1913, 121.4366, 'rep.zhao', 'snack'],
  ['好德便利虹口店', 'store', '上海市虹口区四川北路1500号', 31.2621, 121.4836, 'rep.qian', 'beverage'],
  ['可的便利浦东店', 'store', '上海市浦东新区张杨路500号', 31.2323, 121.5226, 'rep.qian', 'beverage'],
  ['苏宁小店新街口店', 'store', '南京市秦淮区中山南路1号', 32.0418, 118.7843, 'rep.sun', 'snack'],
  ['上海嘉禾食品经销有限公司', 'dealer', '上海市闵行区七莘路3000号', 31.0996, 121.3695, 'rep.zhao', 'snack'],
  ['杭州恒达商贸有限公司', 'dealer', '杭州市拱墅区莫干山路1418号', 30.3226, 120.1392, 'rep.qian', 'beverage'],
  ['南京万隆医疗器械有限公司', 'dealer', '南京市建邺区江东中路369号', 32.0097, 118.7343, 'rep.sun', 'medical'],
  ['无锡恒通副食品批发部', 'dealer', '无锡市梁溪区中山路218号', 31.5768, 120.2992, 'rep.sun', 'snack'],
  ['宁波新华联贸易公司', 'dealer', '宁波市海曙区中山西路138号', 29.8743, 121.5446, 'rep.qian', 'beverage'],
  ['物美超市北京总部', 'ka', '北京市海淀区学院路29号', 39.9836, 116.3527, 'rep.zhou', 'beverage'],
  ['华润万家北京区域公司', 'ka', '北京市朝阳区东三环北路38号', 39.9253, 116.4636, 'rep.zhou', 'snack'],
  ['家乐福北京双井店', 'ka', '北京市朝阳区东三环中路31号', 39.8935, 116.4614, 'rep.wu', 'beverage'],
  ['永辉超市北京区域公司', 'ka', '北京市丰台区南三环西路16号', 39.8557, 116.3554, 'rep.wu', 'snack'],
  ['天津家世界超市', 'ka', '天津市和平区南京路189号', 39.1226, 117.2031, 'rep.zheng', 'beverage'],
  ['北京协和医院', 'hospital', '北京市东城区帅府园1号', 39.9141, 116.4163, 'rep.zhou', 'medical'],
  ['北京大学第三医院', 'hospital', '北京市海淀区花园北路49号', 39.9822, 116.3614, 'rep.wu', 'medical'],
  ['天津医科大学总医院', 'hospital', '天津市和平区鞍山道154号', 39.1255, 117.1854, 'rep.zheng', 'medical'],
  ['河北医科大学第二医院', 'hospital', '石家庄市新华区和平西路215号', 38.0531, 114.4849, 'rep.zheng', 'medical'],
  ['7-ELEVEn 国贸店', 'store', '北京市朝阳区建国门外大街1号', 39.9087, 116.4603, 'rep.zhou', 'snack'],
  ['便利蜂中关村店', 'store', '北京市海淀区中关村大街27号', 39.9831, 116.3163, 'rep.wu', 'snack'],
  ['好邻居西单店', 'store', '北京市西城区西单北大街120号', 39.9124, 116.3740, 'rep.wu', 'beverage'],
  ['快客便利天津滨江道店', 'store', '天津市和平区滨江道200号', 39.1220, 117.1985, 'rep.zheng', 'beverage'],
  ['美宜佳石家庄中山店', 'store', '石家庄市长安区中山东路98号', 38.0437, 114.5282, 'rep.zheng', 'snack'],
  ['北京京客隆商贸有限公司', 'dealer', '北京市朝阳区新源街24号', 39.9495, 116.4508, 'rep.zhou', 'beverage'],
  ['北京康泰医疗器械有限公司', 'dealer', '北京市丰台区科学城海鹰路6号', 39.8266, 116.2927, 'rep.wu', 'medical'],
  ['天津顺通食品批发有限公司', 'dealer', '天津市河北区中山路52号', 39.1576, 117.2029, 'rep.zheng', 'snack'],
  ['唐山鑫源商贸有限公司', 'dealer', '唐山市路北区新华东道100号', 39.6310, 118.1869, 'rep.zheng', 'beverage'],
  ['廊坊华美日化经销部', 'dealer', '廊坊市广阳区新华路68号', 39.5237, 116.7049, 'rep.wu', 'snack'],
  ['保定永盛医疗用品公司', 'dealer', '保定市竞秀区朝阳北大街588号', 38.8781, 115.4645, 'rep.zhou', 'medical'],
];

/** A demo contact: role in the buying centre (core/flow/buying-centre.ts), attitude, 内线, and whom they report to (an index into the same list). */
export interface ContactTemplate {
  department: string; title: string; role: string; attitude: string | null; coach?: boolean;
  reportsTo?: number; preferences?: string;
}
export const CONTACT_TEMPLATES: ContactTemplate[] = [
  { department: '采购部', title: '采购经理', role: 'decider', attitude: 'neutral', preferences: '看重毛利和账期' },
  { department: '运营部', title: '门店运营主管', role: 'influencer', attitude: 'support', coach: true, reportsTo: 0 },
  { department: '财务部', title: '财务主管', role: 'gatekeeper', attitude: null },
  { department: '品类部', title: '品类专员', role: 'user', attitude: 'support', reportsTo: 0 },
];
export const HOSPITAL_CONTACT_TEMPLATES: ContactTemplate[] = [
  { department: '设备科', title: '设备科主任', role: 'decider', attitude: 'neutral', preferences: '偏好国产设备，重视售后响应' },
  { department: '采购中心', title: '采购专员', role: 'buyer', attitude: 'neutral', reportsTo: 0 },
  { department: '骨科', title: '护士长', role: 'user', attitude: 'support', coach: true },
  { department: '药剂科', title: '药剂科副主任', role: 'influencer', attitude: 'oppose', preferences: '担心耗材编码未备案' },
];
export const SURNAMES = ['刘', '张', '杨', '黄', '徐', '马', '朱', '胡', '郭', '何', '高', '罗', '梁', '宋', '唐', '许'];
export const GIVEN = ['伟', '芳', '娜', '敏', '静', '丽', '强', '磊', '军', '洋', '勇', '艳', '杰', '娟', '涛', '明'];
