package io.github.locker.sample;

import java.time.Instant;
import java.time.LocalDate;

/**
 * A day's settlement as the leader task last wrote it.
 *
 * @param day the day settled
 * @param settledBy the instance that wrote it: the leader at the time
 * @param fencingToken the token of the leader's lock it was written under
 * @param users how many users checked in that day
 * @param rewards how many rewards were granted that day: equal to {@code users} when no reward was doubled
 * @param at when it was written
 */
public record Settlement(LocalDate day, String settledBy, long fencingToken, int users, long rewards, Instant at) {
}
