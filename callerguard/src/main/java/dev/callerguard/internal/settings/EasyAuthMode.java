package dev.callerguard.internal.settings;

/** How far the Easy Auth principal header ({@code X-MS-CLIENT-PRINCIPAL}) is trusted. */
public enum EasyAuthMode {
    /** Trust the header only when the platform says Easy Auth runs ({@code WEBSITE_AUTH_ENABLED=true}). */
    AUTO,
    /** Never trust the header; only bearer tokens count. */
    OFF,
    /** Refuse every request that did not come through Easy Auth. */
    REQUIRED
}
