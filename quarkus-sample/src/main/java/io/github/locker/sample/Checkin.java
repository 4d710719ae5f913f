package io.github.locker.sample;

import java.time.Instant;
import java.time.LocalDate;

/**
 * A user's check-in of one day, as stored: who rewarded it and under which fencing token.
 *
 * @param uid the user
 * @param day the day
 * @param node the instance that recorded it
 * @param fencingToken the token of the lock it was written under
 * @param points the points granted
 * @param coupon the coupon granted
 * @param at when it was recorded
 */
public record Checkin(String uid, LocalDate day, String node, long fencingToken, int points, String coupon, Instant at) {
}
