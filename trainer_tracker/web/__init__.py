"""Web plumbing shared by every blueprint: route access rules, security headers, errors."""
