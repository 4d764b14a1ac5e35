# Family portal: shared parts.
family-nav-label = Menu
family-nav-visits = My visits
family-nav-data = My data
family-nav-login = Log in
family-nav-logout = Log out
family-footer = Jenguk — a free virtual visiting service. Never pay anyone for a visit.
family-back = Back
family-error-title = Something is wrong
family-error-not-found = This page or record was not found.
family-error-csrf = This form has expired or did not come from Jenguk. Reload the page and try again.
