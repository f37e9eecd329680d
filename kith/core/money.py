"""Showing amounts of money the way people write them."""


def pounds(pence: int) -> str:
    """``1250`` → ``£12.50``; whole pounds without pence: ``1000`` → ``£10``."""
    if pence % 100 == 0:
        return f"£{pence // 100:,}"
    return f"£{pence / 100:,.2f}"
