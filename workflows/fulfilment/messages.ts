import { defineUpdate } from '@temporalio/workflow';
import type { CityProgress, IssueRequestCity } from '../../domain/numbers.js';
import type { Actor } from '../../domain/review.js';

/** Staff issue numbers for some cities of an order in provisioning. */
export interface IssueNumbersRequest {
  round: number;
  /** The form's token: also the Update id, so a double click issues once. */
  requestKey: string;
  /** Numbers in E.164, per city of the order. */
  cities: IssueRequestCity[];
  actor: Actor;
}

export interface IssueNumbersAnswer {
  cities: CityProgress[];
  /** Every city has all its numbers: the order is issued. */
  complete: boolean;
  /** Numbers this request issued. */
  issued: number;
}

export const issueNumbersUpdate = defineUpdate<IssueNumbersAnswer, [IssueNumbersRequest]>('issueNumbers');
