import type { Messages } from '../types.js';

/**
 * Enterprise qualifications beyond their fields: the image pre-check's findings ({field},
 * {width}, {height}, {minWidth}, {minHeight}), the risk signals reviewers see, the new fields.
 */
export const enterpriseMessages = {
  'field.contactPhone': { 'zh-CN': '单位联系电话', en: 'Unit contact phone' },
  'field.legalRepresentativeName': { 'zh-CN': '法定代表人姓名', en: 'Legal representative' },
  'field.legalRepresentativeIdNumber': { 'zh-CN': '法定代表人证件号码', en: 'Legal representative ID number' },
  'enterprise.noBusinessType': { 'zh-CN': '未指定（类型要求之前添加的企业，须重新添加）', en: 'None (added before types were asked; must be added again)' },
  'enterprise.noFixedLine': { 'zh-CN': '未上传固话申请函与承诺函，不能订购号码', en: 'no fixed-line letters: cannot back a number order' },
  'enterprise.letters': { 'zh-CN': '固话函件', en: 'Fixed-line letters' },
  'enterprise.enterprises': { 'zh-CN': '企业资质', en: 'Enterprises' },
  'enterprise.none': { 'zh-CN': '尚无企业资质', en: 'No enterprises yet' },
  'option.enterpriseStatus.pending': { 'zh-CN': '待审', en: 'pending' },
  'option.enterpriseStatus.approved': { 'zh-CN': '已通过', en: 'approved' },
  'option.enterpriseStatus.rejected': { 'zh-CN': '已驳回', en: 'rejected' },
  'imageCheck.title': { 'zh-CN': '图片清晰度检查', en: 'Image legibility check' },
  'imageCheck.too_small': { 'zh-CN': '{field} {width}×{height} 像素，至少 {minWidth}×{minHeight}', en: '{field} {width}×{height} pixels, at least {minWidth}×{minHeight}' },
  'imageCheck.undecodable': { 'zh-CN': '{field}无法解码为图片（文件不完整或已损坏），请重新上传清晰的图片', en: '{field} cannot be decoded as an image (incomplete or damaged); upload a legible image again' },
  'imageCheck.too_many_pixels': {
    'zh-CN': '{field} {width}×{height} 像素，超过可检查的 {maxMegapixels} 百万像素，请缩小后重新上传',
    en: '{field} {width}×{height} pixels, more than the {maxMegapixels} megapixels that can be checked; upload a smaller image',
  },
  'imageCheck.separator': { 'zh-CN': '；', en: '; ' },
  'imageCheck.state.undecodable': { 'zh-CN': '无法解码', en: 'cannot be decoded' },
  'imageCheck.state.too_many_pixels': { 'zh-CN': '像素过多', en: 'too many pixels' },
  'risk.title': { 'zh-CN': '风险提示', en: 'Risk signals' },
  'risk.explained': { 'zh-CN': '提交时自动发现，仅供参考，不影响审核结果。', en: 'Found automatically at submission, for your judgement; they decide nothing.' },
  'risk.license_elsewhere': { 'zh-CN': '相同证照号码也出现在租户“{tenant}”的企业“{company}”（{status}）', en: 'The same licence code is also on “{company}” ({status}) of tenant “{tenant}”' },
  'risk.handler_elsewhere': { 'zh-CN': '相同经办人证件号码也出现在租户“{tenant}”的企业“{company}”（{status}）', en: 'The same handler ID number is also on “{company}” ({status}) of tenant “{tenant}”' },
  'risk.handler_many': { 'zh-CN': '该经办人证件号码共关联 {count} 家企业，超过设定的 {max} 家', en: 'This handler ID number is behind {count} enterprises, more than the {max} set' },
  'risk.name_differs': { 'zh-CN': '此前审核通过的同一证照号码企业名称为“{company}”（租户“{tenant}”），与本次不同', en: 'An earlier approved enterprise with this licence code is named “{company}” (tenant “{tenant}”), not as here' },
  'risk.image_elsewhere': { 'zh-CN': '{field}与租户“{tenant}”的企业“{company}”提交的文件完全相同', en: 'The {field} is the very file tenant “{tenant}” submitted for “{company}”' },
  'risk.openReview': { 'zh-CN': '查看审核', en: 'its review' },
  'risk.openTenant': { 'zh-CN': '查看租户', en: 'the tenant' },
  'dashboard.riskSignals': { 'zh-CN': '有风险提示的待审企业', en: 'Open enterprise reviews with risk signals' },
} as const satisfies Messages;
