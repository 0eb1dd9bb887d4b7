package dev.callerguard.sample;

import com.microsoft.aad.msal4j.ManagedIdentityApplication;
import com.microsoft.aad.msal4j.ManagedIdentityId;
import com.microsoft.aad.msal4j.ManagedIdentityParameters;
import java.util.concurrent.ExecutionException;

/**
 * Access tokens of this app's managed identity, acquired with msal4j's {@link ManagedIdentityApplication}: on App
 * Service it reads {@code IDENTITY_ENDPOINT} and {@code IDENTITY_HEADER} and caches tokens until they near expiry.
 * Thread-safe; build one per identity and process.
 */
public final class ManagedIdentityTokens {
    private final ManagedIdentityApplication application;

    private ManagedIdentityTokens(ManagedIdentityId id) {
        this.application = ManagedIdentityApplication.builder(id).build();
    }

    public static ManagedIdentityTokens systemAssigned() {
        return new ManagedIdentityTokens(ManagedIdentityId.systemAssigned());
    }

    public static ManagedIdentityTokens userAssigned(String clientId) {
        return new ManagedIdentityTokens(ManagedIdentityId.userAssignedClientId(clientId));
    }

    /** An access token for {@code resource} (an App ID URI such as {@code api://<client-id>}). */
    public String accessToken(String resource) throws ManagedIdentityTokenException {
        try {
            return application.acquireTokenForManagedIdentity(ManagedIdentityParameters.builder(resource).build())
                    .get().accessToken();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ManagedIdentityTokenException("interrupted while acquiring a managed identity token", e);
        } catch (ExecutionException e) {
            throw new ManagedIdentityTokenException("the managed identity endpoint refused or failed: "
                    + e.getCause().getClass().getSimpleName(), e.getCause());
        } catch (Exception e) {
            throw new ManagedIdentityTokenException("cannot acquire a managed identity token: "
                    + e.getClass().getSimpleName(), e);
        }
    }
}
