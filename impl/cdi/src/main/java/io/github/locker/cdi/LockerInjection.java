package io.github.locker.cdi;

/**
 * An injection point of type {@code Locker}.
 *
 * @param where the bean and member for messages: {@code OrderService#locker}
 * @param locker the {@code @Named} value, or null for the default locker
 */
record LockerInjection(String where, String locker) {
}
