/**
 * CallerGuard's metrics through the OpenTelemetry API. Not API: this package may change in any release.
 */
package dev.callerguard.internal.metrics;
