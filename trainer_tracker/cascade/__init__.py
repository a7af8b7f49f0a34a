"""The cascade: sites, people, courses, module deliveries, attendance, checkout and certification."""
