import { describe, it, expect } from '@jest/globals';
import { areComparable, directionOf, parseIndicatorValue, type QuantityValue } from './indicator-value.js';

function quantity(text: string): QuantityValue {
  const value = parseIndicatorValue(text);
  if (value.kind !== 'quantity') throw new Error(`expected a quantity: ${text}`);
  return value;
}

describe('parseIndicatorValue', () => {
  describe('plain numbers and units', () => {
    it.each([
      ['90', '90', ''],
      ['6次', '6', '次'],
      ['16次', '16', '次'],
      ['1.5万', '1.5', '万'],
      ['10万元', '10', '万元'],
      ['8万', '8', '万'],
      ['30万', '30', '万'],
      ['200条/年', '200', '条/年'],
      [' 35 ', '35', ''],
    ])('reads %j as %s in its own unit %j', (text, value, unit) => {
      const read = quantity(text);
      expect(read.value.toFixed()).toBe(value);
      expect(read.unit).toBe(unit);
      expect(read.percent).toBe(false);
      expect(read.comparator).toBeNull();
    });

    it('keeps the unit typo "10万员" and still reads 10', () => {
      expect(quantity('10万员').value.toFixed()).toBe('10');
    });

    it('returns exact decimals, not floats', () => {
      expect(quantity('46.107788').value.toFixed()).toBe('46.107788');
      expect(quantity('0.1').value.plus(quantity('0.2').value).toFixed()).toBe('0.3');
    });

    it('reads ASCII thousands separators', () => {
      expect(quantity('1,000人').value.toFixed()).toBe('1000');
    });
  });

  describe('full-width typing', () => {
    it.each([
      ['0．5', '0.5'],
      ['１０', '10'],
      ['１２．５次', '12.5'],
    ])('reads %j as %s', (text, value) => {
      expect(quantity(text).value.toFixed()).toBe(value);
    });

    it('reads a full-width percent sign', () => {
      const read = quantity('９５％');
      expect(read.percent).toBe(true);
      expect(read.value.toFixed()).toBe('95');
    });
  });

  describe('percentages', () => {
    it.each([
      ['90%', '90'],
      ['16.47%', '16.47'],
      ['100%', '100'],
    ])('reads %j as %s percent', (text, value) => {
      const read = quantity(text);
      expect(read.percent).toBe(true);
      expect(read.value.toFixed()).toBe(value);
    });

    it('reads "≥95%" as at least 95 percent', () => {
      const read = quantity('≥95%');
      expect([read.value.toFixed(), read.percent, read.comparator]).toEqual(['95', true, 'at-least']);
    });
  });

  describe('comparison words', () => {
    it.each([
      ['≥50个', 'at-least'],
      ['>=50个', 'at-least'],
      ['≧50个', 'at-least'],
      ['不低于90%', 'at-least'],
      ['不少于250篇', 'at-least'],
      ['至少3次', 'at-least'],
      ['5次以上', 'at-least'],
      ['90%及以上', 'at-least'],
      ['>5次', 'more-than'],
      ['＞5次', 'more-than'],
      ['超过5次', 'more-than'],
      ['≤100万元', 'at-most'],
      ['不高于100万元', 'at-most'],
      ['不超过30天', 'at-most'],
      ['10个月内', 'at-most'],
      ['3天以内', 'at-most'],
      ['<1%', 'less-than'],
      ['低于1%', 'less-than'],
      ['少于3次', 'less-than'],
    ])('reads %j as %s', (text, comparator) => {
      expect(quantity(text).comparator).toBe(comparator);
    });

    it('does not read 不少于 as 少于', () => {
      expect(quantity('不少于3次').comparator).toBe('at-least');
    });

    it('keeps the number after the comparison word', () => {
      const read = quantity('10个月内');
      expect([read.value.toFixed(), read.unit]).toEqual(['10', '个月']);
    });

    it('treats contradicting prefix and suffix as qualitative', () => {
      expect(parseIndicatorValue('不超过5次以上').kind).toBe('qualitative');
    });
  });

  describe('qualitative text', () => {
    it.each([
      '',
      '   ',
      '各1次',
      '达成年度指标',
      '比较满意',
      '全年',
      '9月至次年1月',
      '2021年1月1日-2021年12月31日',
      '10+5+20=35',
      '每个工作日不少于1篇',
      '线下绘画展览活动1次',
      '学术论坛筹备中，工作进度约60%',
      '举办全市培训班1次，举办信息员培训班1次，专题调研1次，参加全国会议等2次，',
      '5-10次',
      '1、2次',
      '0。5',
      '5%次',
      '文字错误率低于万分之三',
    ])('keeps %j qualitative', (text) => {
      expect(parseIndicatorValue(text)).toEqual({ kind: 'qualitative', text });
    });
  });
});

describe('directionOf', () => {
  it('says higher is better for at-least and more-than', () => {
    expect(directionOf('at-least')).toBe('higher-is-better');
    expect(directionOf('more-than')).toBe('higher-is-better');
  });

  it('says lower is better for at-most and less-than', () => {
    expect(directionOf('at-most')).toBe('lower-is-better');
    expect(directionOf('less-than')).toBe('lower-is-better');
  });

  it('says nothing without a comparison word', () => {
    expect(directionOf(null)).toBeNull();
  });
});

describe('areComparable', () => {
  it('compares "10万元" with "8万" as written', () => {
    expect(areComparable(quantity('10万元'), quantity('8万'))).toBe(true);
  });

  it('compares a unit-less actual with a target in 万元', () => {
    expect(areComparable(quantity('1万元'), quantity('0．5'))).toBe(true);
    expect(areComparable(quantity('10万员'), quantity('10'))).toBe(true);
  });

  it('compares percent with percent', () => {
    expect(areComparable(quantity('≥95%'), quantity('98%'))).toBe(true);
  });

  it('does not compare a percentage with an amount', () => {
    expect(areComparable(quantity('30万'), quantity('16.47%'))).toBe(false);
    expect(areComparable(quantity('90'), quantity('90%'))).toBe(false);
  });

  it('does not compare units of different magnitude', () => {
    expect(areComparable(quantity('10万元'), quantity('80000元'))).toBe(false);
  });

  it('compares counting units that differ only by name', () => {
    expect(areComparable(quantity('6次'), quantity('6场'))).toBe(true);
  });
});
