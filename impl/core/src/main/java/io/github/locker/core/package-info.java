/**
 * What every driver shares. Public here: {@link io.github.locker.core.DriverRuntime}, the runtime
 * of the driver SPI and the factory of a driver's lockers, and three helpers a driver may use
 * ({@link io.github.locker.core.BackendReplies} for replies bounded in time and explained,
 * {@link io.github.locker.core.Keys} for key checks and escaping,
 * {@link io.github.locker.core.Durations} for duration settings). Everything else is internal.
 */
package io.github.locker.core;
