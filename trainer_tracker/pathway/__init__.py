"""The carer's pathway before and around support: referral, eligibility, consent, demographics,
the waiting list and matching by what matters."""
