"""Fixed reference data the simulated chain is drawn from: places, assortment, names, tenders."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class City:
    """A city a store can be in, with its combined sales-tax rate and ZIP prefix."""

    name: str
    state: str
    timezone: str
    tax_rate: float
    zip_prefix: str


@dataclass(frozen=True)
class Department:
    """A department, how its items are priced and taxed, and its categories' product nouns."""

    name: str
    median_price: float
    taxable: bool
    traffic: float  # relative demand per item
    supplier_suffix: str
    variants: tuple[str, ...]
    categories: tuple[tuple[str, tuple[str, ...]], ...]


_NY, _CHI = "America/New_York", "America/Chicago"

REGIONS: dict[str, tuple[City, ...]] = {
    "Northeast": (
        City("Boston", "MA", _NY, 0.0625, "021"),
        City("Providence", "RI", _NY, 0.07, "029"),
        City("Hartford", "CT", _NY, 0.0635, "061"),
        City("Albany", "NY", _NY, 0.08, "122"),
    ),
    "Mid-Atlantic": (
        City("Philadelphia", "PA", _NY, 0.08, "191"),
        City("Baltimore", "MD", _NY, 0.06, "212"),
        City("Newark", "NJ", _NY, 0.06625, "071"),
        City("Richmond", "VA", _NY, 0.06, "232"),
    ),
    "Southeast": (
        City("Atlanta", "GA", _NY, 0.089, "303"),
        City("Charlotte", "NC", _NY, 0.0725, "282"),
        City("Orlando", "FL", _NY, 0.065, "328"),
        City("Jacksonville", "FL", _NY, 0.075, "322"),
    ),
    "Midwest": (
        City("Chicago", "IL", _CHI, 0.1025, "606"),
        City("Columbus", "OH", _NY, 0.08, "432"),
        City("Detroit", "MI", "America/Detroit", 0.06, "482"),
        City("Indianapolis", "IN", "America/Indiana/Indianapolis", 0.07, "462"),
    ),
}

STORE_SUFFIXES = ("Downtown", "Plaza", "Crossing", "Commons", "Market", "Square", "Heights",
                  "Park")

DEPARTMENTS: tuple[Department, ...] = (
    Department("Grocery", 3.5, False, 1.4, "Foods", ("12 oz", "16 oz", "24 oz", "32 oz",
                                                      "Family Size"), (
        ("Pantry Staples", ("Olive Oil", "Peanut Butter", "Honey", "Tomato Sauce", "Salsa")),
        ("Breakfast", ("Granola", "Oatmeal", "Corn Flakes", "Pancake Mix", "Maple Syrup")),
        ("Canned Goods", ("Black Beans", "Chickpeas", "Tuna", "Chicken Soup", "Diced Tomatoes")),
        ("Pasta & Rice", ("Spaghetti", "Penne", "Jasmine Rice", "Brown Rice", "Egg Noodles")),
        ("Baking", ("Flour", "Sugar", "Baking Soda", "Cake Mix", "Chocolate Chips")),
    )),
    Department("Beverages", 3.0, True, 1.3, "Beverage Co.", ("12 pk", "2 L", "1 L", "6 pk",
                                                            "20 oz"), (
        ("Soft Drinks", ("Cola", "Lemon-Lime Soda", "Root Beer", "Ginger Ale")),
        ("Juice", ("Orange Juice", "Apple Juice", "Cranberry Cocktail", "Lemonade")),
        ("Coffee & Tea", ("Ground Coffee", "Coffee Pods", "Green Tea", "Black Tea", "Cold Brew")),
        ("Water", ("Spring Water", "Sparkling Water", "Flavored Water")),
    )),
    Department("Snacks", 3.5, True, 1.3, "Snack Co.", ("Snack Size", "Family Size", "8 oz",
                                                      "12 oz", "Multipack"), (
        ("Chips", ("Potato Chips", "Tortilla Chips", "Pretzels", "Popcorn")),
        ("Cookies & Crackers", ("Sandwich Cookies", "Crackers", "Graham Crackers", "Wafers")),
        ("Candy", ("Chocolate Bar", "Gummy Bears", "Mints", "Caramels")),
        ("Nuts & Trail Mix", ("Almonds", "Cashews", "Trail Mix", "Peanuts")),
    )),
    Department("Household", 6.5, True, 0.9, "Home Supply", ("Single", "2 pk", "4 pk",
                                                           "Value Pack", "Refill"), (
        ("Cleaning", ("All-Purpose Cleaner", "Glass Cleaner", "Sponges", "Disinfecting Wipes")),
        ("Paper Goods", ("Paper Towels", "Bath Tissue", "Facial Tissue", "Napkins")),
        ("Laundry", ("Laundry Detergent", "Fabric Softener", "Dryer Sheets", "Stain Remover")),
        ("Storage", ("Trash Bags", "Food Storage Bags", "Aluminum Foil", "Plastic Wrap")),
    )),
    Department("Personal Care", 6.5, True, 0.8, "Personal Care", ("Travel Size", "Regular",
                                                                 "Value Size", "2 pk"), (
        ("Hair Care", ("Shampoo", "Conditioner", "Hair Gel", "Dry Shampoo")),
        ("Oral Care", ("Toothpaste", "Toothbrush", "Mouthwash", "Dental Floss")),
        ("Skin Care", ("Body Lotion", "Hand Soap", "Body Wash", "Sunscreen")),
        ("Shaving", ("Razors", "Shaving Cream", "Aftershave")),
    )),
    Department("Health", 8.5, True, 0.6, "Health Products", ("24 ct", "50 ct", "100 ct",
                                                            "Value Pack"), (
        ("Pain Relief", ("Ibuprofen", "Acetaminophen", "Aspirin", "Pain Relief Patch")),
        ("Vitamins", ("Multivitamin", "Vitamin C", "Vitamin D", "Fish Oil")),
        ("First Aid", ("Bandages", "Antiseptic Cream", "Gauze Pads", "Cold Pack")),
        ("Cold & Flu", ("Cough Syrup", "Throat Lozenges", "Nasal Spray", "Cold Tablets")),
    )),
    Department("Home & Kitchen", 16.0, True, 0.35, "Housewares", ("Small", "Medium", "Large",
                                                                 "Set of 2", "Set of 4"), (
        ("Cookware", ("Frying Pan", "Saucepan", "Baking Sheet", "Stock Pot")),
        ("Kitchen Tools", ("Spatula", "Measuring Cups", "Can Opener", "Whisk", "Cutting Board")),
        ("Tableware", ("Dinner Plates", "Drinking Glasses", "Coffee Mug", "Cereal Bowls")),
        ("Home Decor", ("Scented Candle", "Picture Frame", "Throw Pillow", "Vase")),
    )),
    Department("Electronics", 18.0, True, 0.3, "Electronics", ("Black", "White", "3 ft", "6 ft",
                                                              "2 pk"), (
        ("Phone Accessories", ("Phone Charger", "Phone Case", "Car Mount", "Screen Protector")),
        ("Batteries", ("AA Batteries", "AAA Batteries", "9V Battery", "Coin Cell Battery")),
        ("Audio", ("Earbuds", "Headphones", "Bluetooth Speaker")),
        ("Cables", ("USB-C Cable", "HDMI Cable", "Extension Cord", "Lightning Cable")),
    )),
    Department("Toys & Games", 14.0, True, 0.25, "Toy Co.", ("Ages 3+", "Ages 6+", "Ages 8+",
                                                            "Deluxe"), (
        ("Puzzles", ("Jigsaw Puzzle", "Floor Puzzle", "Brain Teaser")),
        ("Board Games", ("Board Game", "Card Game", "Dice Game")),
        ("Outdoor Toys", ("Bubble Wand", "Foam Ball", "Sidewalk Chalk", "Water Blaster")),
    )),
    Department("Pet", 11.0, True, 0.45, "Pet Supply", ("3 lb", "8 lb", "16 lb", "12 ct",
                                                      "Value Pack"), (
        ("Dog Food", ("Dry Dog Food", "Wet Dog Food", "Puppy Food")),
        ("Cat Food", ("Dry Cat Food", "Wet Cat Food", "Cat Litter")),
        ("Pet Treats", ("Dog Biscuits", "Cat Treats", "Chew Sticks")),
    )),
)

BRANDS = ("Harvest Lane", "Blue Harbor", "Maple & Co", "Sunny Acres", "Northfield", "Brightway",
          "Evergreen", "Silver Oak", "Golden Valley", "Cedar Point", "Riverbend", "Clearwater",
          "Stonebridge", "Bramble", "Pinecrest", "Lakeshore", "Hilltop", "Fairview", "Kindred",
          "Trueline", "Urban Nest", "Sparrow", "Copperleaf", "Redstone")

SUPPLIER_PREFIXES = ("Atlantic", "Keystone", "Great Lakes", "Summit", "Pioneer", "Harbor",
                     "Liberty", "Heartland", "Coastal", "Granite", "Prairie", "Tri-State",
                     "Valley", "Central", "Eastern", "Continental")

FIRST_NAMES = ("James", "Mary", "Robert", "Patricia", "John", "Jennifer", "Michael", "Linda",
               "David", "Elizabeth", "William", "Barbara", "Richard", "Susan", "Joseph",
               "Jessica", "Thomas", "Sarah", "Carlos", "Karen", "Daniel", "Lisa", "Matthew",
               "Nancy", "Anthony", "Sandra", "Mark", "Ashley", "Kevin", "Emily", "Brian",
               "Michelle", "Luis", "Amanda", "Andrew", "Melissa", "Jamal", "Stephanie", "Wei",
               "Priya")

LAST_NAMES = ("Smith", "Johnson", "Williams", "Brown", "Jones", "Garcia", "Miller", "Davis",
              "Rodriguez", "Martinez", "Hernandez", "Lopez", "Gonzalez", "Wilson", "Anderson",
              "Thomas", "Taylor", "Moore", "Jackson", "Martin", "Lee", "Perez", "Thompson",
              "White", "Harris", "Sanchez", "Clark", "Ramirez", "Lewis", "Robinson", "Walker",
              "Young", "Allen", "King", "Wright", "Scott", "Nguyen", "Hill", "Flores", "Patel")

# ID, description, type, share of single-tender payments
TENDERS: tuple[tuple[int, str, str, float], ...] = (
    (1, "Cash", "cash", 0.20),
    (2, "Visa", "credit", 0.22),
    (3, "Mastercard", "credit", 0.15),
    (4, "American Express", "credit", 0.06),
    (5, "Debit Card", "debit", 0.18),
    (6, "Gift Card", "gift", 0.03),
    (7, "Mobile Wallet", "mobile", 0.12),
    (8, "Store Credit", "other", 0.02),
    (9, "Check", "other", 0.02),
)

# position -> hourly rate range in cents
POSITIONS: dict[str, tuple[int, int]] = {
    "Manager": (2400, 3400),
    "Supervisor": (1800, 2400),
    "Cashier": (1400, 1800),
    "Stock Associate": (1500, 1900),
}
