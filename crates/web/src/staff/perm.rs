//! Who may do what in the console: one table, used by every staff page and action.

use jenguk_storage::Role;

/// A capability in the console.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Can {
    /// Any signed-in staff member: the home page, one's own account.
    SignedIn,
    /// Read the day board.
    ViewBoard,
    /// Run the facility's visits: approvals, inmates, visitors, bookings, day-board actions.
    Operate,
    /// Set the facility up: staff, booths, templates, policy, kiosks.
    Configure,
    /// Watch live calls and end one.
    Monitor,
    /// Read and export the audit trail.
    Audit,
    /// Every facility: create facilities and facility administrators.
    Nationwide,
}

impl Can {
    /// The roles that have this capability.
    pub fn roles(self) -> &'static [Role] {
        use Role::*;
        match self {
            Can::SignedIn | Can::ViewBoard => &[NationalAdmin, FacilityAdmin, Operator, Officer],
            Can::Operate => &[NationalAdmin, FacilityAdmin, Operator],
            Can::Configure | Can::Audit => &[NationalAdmin, FacilityAdmin],
            Can::Monitor => &[FacilityAdmin, Operator, Officer],
            Can::Nationwide => &[NationalAdmin],
        }
    }

    /// Whether a role has it.
    pub fn allows(self, role: Role) -> bool {
        self.roles().contains(&role)
    }

    /// A stable name, for the audit trail.
    pub fn as_str(self) -> &'static str {
        match self {
            Can::SignedIn => "signed_in",
            Can::ViewBoard => "view_board",
            Can::Operate => "operate",
            Can::Configure => "configure",
            Can::Monitor => "monitor",
            Can::Audit => "audit",
            Can::Nationwide => "nationwide",
        }
    }
}

/// One entry of the console's navigation.
pub struct NavItem {
    /// Message key of its label.
    pub key: &'static str,
    /// Where it goes.
    pub href: &'static str,
    /// Who sees it.
    pub can: Can,
}

/// The console's sections, in menu order.
pub const NAV: &[NavItem] = &[
    NavItem {
        key: "staff-nav-board",
        href: "/staff/board",
        can: Can::ViewBoard,
    },
    NavItem {
        key: "staff-nav-approvals",
        href: "/staff/approvals",
        can: Can::Operate,
    },
    NavItem {
        key: "staff-nav-inmates",
        href: "/staff/inmates",
        can: Can::Operate,
    },
    NavItem {
        key: "staff-nav-visitors",
        href: "/staff/visitors",
        can: Can::Operate,
    },
    NavItem {
        key: "staff-nav-book",
        href: "/staff/book",
        can: Can::Operate,
    },
    NavItem {
        key: "staff-nav-monitor",
        href: "/staff/monitor",
        can: Can::Monitor,
    },
    NavItem {
        key: "staff-nav-schedule",
        href: "/staff/schedule",
        can: Can::Configure,
    },
    NavItem {
        key: "staff-nav-kiosks",
        href: "/staff/kiosks",
        can: Can::Configure,
    },
    NavItem {
        key: "staff-nav-users",
        href: "/staff/users",
        can: Can::Configure,
    },
    NavItem {
        key: "staff-nav-audit",
        href: "/staff/audit",
        can: Can::Audit,
    },
    NavItem {
        key: "staff-nav-facilities",
        href: "/staff/facilities",
        can: Can::Nationwide,
    },
    NavItem {
        key: "staff-nav-account",
        href: "/staff/account",
        can: Can::SignedIn,
    },
];
