package org.webfilter.ui;

import java.nio.file.Path;
import java.util.Objects;
import org.webfilter.policy.Policy;
import org.webfilter.policy.PolicyHolder;
import org.webfilter.policy.config.ConfigOverrides;

/**
 * What the logs UI needs to explain and edit the running policy: the {@link PolicyHolder} the proxy
 * reads (the UI puts a validated edit in force by replacing its policy, so the proxy sees it on its next
 * request), and the configuration file and command-line overrides the policy was loaded from (an edit
 * is validated by loading them with the proposed {@code <data-dir>/policy-edits.yaml}).
 *
 * @param holder the policy in force, shared with the proxy
 * @param configFile {@code conf/webfilter.yaml}
 * @param overrides the same overrides the app loaded the policy with
 */
public record PolicyAccess(PolicyHolder holder, Path configFile, ConfigOverrides overrides) {
  public PolicyAccess {
    Objects.requireNonNull(holder, "holder");
    Objects.requireNonNull(configFile, "configFile");
    Objects.requireNonNull(overrides, "overrides");
  }

  /** The policy in force. */
  public Policy policy() {
    return holder.get();
  }
}
