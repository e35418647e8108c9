"""What purchasing, wholesale, retail and transfers share: the money rule of a priced line."""
