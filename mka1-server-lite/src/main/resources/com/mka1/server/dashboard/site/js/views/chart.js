// The live loss chart: uPlot (served from the jar, from its WebJar) with train loss per step,
// valid loss at each evaluation and token accuracy (train per step, valid per evaluation) on a
// second axis. Its box has a fixed height, so the page never jumps while points arrive.
import uPlot from '../../vendor/uplot/uPlot.esm.js';

const COLORS = {train: '#1f4e8c', valid: '#c2410c', trainAcc: '#15803d', validAcc: '#7c3aed'};

export class LossChart {
  constructor(container) {
    this.container = container;
    this.points = new Map(); // step -> {train_loss, valid_loss, train_acc, valid_acc}
    this.plot = null;
    this.resize = new ResizeObserver(() => this.plot && this.plot.setSize(this.size()));
    this.resize.observe(container);
  }

  size() {
    return {width: Math.max(240, this.container.clientWidth), height: 300};
  }

  /** Adds metrics by step; a field already known for a step is kept. Returns whether anything changed. */
  add(step, metrics) {
    const known = this.points.get(step) || {};
    const next = {...known};
    const set = (field, value) => { if (typeof value === 'number' && known[field] === undefined) next[field] = value; };
    set('train_loss', metrics.train_loss);
    set('valid_loss', metrics.valid_loss ?? metrics.full_valid_loss);
    set('train_acc', metrics.train_mean_token_accuracy);
    set('valid_acc', metrics.valid_mean_token_accuracy ?? metrics.full_valid_mean_token_accuracy);
    if (Object.keys(next).length === Object.keys(known).length) return false;
    this.points.set(step, next);
    return true;
  }

  draw() {
    const steps = [...this.points.keys()].sort((a, b) => a - b);
    const column = (f) => steps.map((s) => this.points.get(s)[f] ?? null);
    const data = [steps, column('train_loss'), column('valid_loss'), column('train_acc'), column('valid_acc')];
    this.container.dataset.points = String(data[1].filter((v) => v !== null).length);
    this.container.dataset.validPoints = String(data[2].filter((v) => v !== null).length);
    if (!this.plot) {
      this.plot = new uPlot(this.options(), data, this.container);
    } else {
      this.plot.setData(data);
    }
  }

  options() {
    return {
      ...this.size(),
      scales: {x: {time: false}, acc: {range: [0, 1]}},
      axes: [
        {label: 'step'},
        {label: 'loss', scale: 'y'},
        {label: 'token accuracy', scale: 'acc', side: 1, grid: {show: false}},
      ],
      series: [
        {label: 'step'},
        {label: 'train loss', stroke: COLORS.train, width: 2, scale: 'y'},
        {label: 'valid loss', stroke: COLORS.valid, width: 2, scale: 'y', points: {show: true, size: 7}, spanGaps: true},
        {label: 'train accuracy', stroke: COLORS.trainAcc, width: 1, scale: 'acc', dash: [4, 3]},
        {label: 'valid accuracy', stroke: COLORS.validAcc, width: 1, scale: 'acc', points: {show: true, size: 6}, spanGaps: true},
      ],
    };
  }

  dispose() {
    this.resize.disconnect();
    if (this.plot) this.plot.destroy();
  }
}
