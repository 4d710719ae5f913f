/**
 * The driver SPI: how a lock backend plugs in. Application code never needs this package.
 *
 * <p>A driver is a jar with a {@link io.github.locker.spi.LockerDriver} named in
 * {@code META-INF/services/io.github.locker.spi.LockerDriver}. Its
 * {@link io.github.locker.spi.LockerDriver#connect connect} opens a
 * {@link io.github.locker.spi.LockerBackend}, whose lockers come from
 * {@code io.github.locker.core.DriverRuntime} (artifact {@code locker-core}): the driver writes only
 * one acquisition ({@link io.github.locker.spi.LockEngine}) and one held lease
 * ({@link io.github.locker.spi.Lease}), on an asynchronous contract; the core adds reentrancy,
 * wait time, retry, the loss watch, leader loops and metrics. The TCK ({@code locker-tck-tests})
 * proves a driver: implement its {@code TckBackend} and extend its contract classes.
 */
package io.github.locker.spi;
