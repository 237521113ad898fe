//! The kinds of JSON Schema incompatibility, named as Karapace's checker names them (its test
//! cases, our conformance data, compare these names).

/// Why a JSON Schema reader cannot read a writer's data.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum JsonIncompatibility {
    AdditionalItemsRemoved,
    AdditionalPropertiesNarrowed,
    CombinedTypeChanged,
    CombinedTypeSubschemasChanged,
    DependencyArrayAdded,
    DependencyArrayExtended,
    EnumArrayNarrowed,
    ItemAddedNotCoveredByPartiallyOpenContentModel,
    ItemAddedToOpenContentModel,
    ItemRemovedNotCoveredByPartiallyOpenContentModel,
    MaxItemsAdded,
    MaxItemsDecreased,
    MaxLengthAdded,
    MaxLengthDecreased,
    MaxPropertiesAdded,
    MaxPropertiesDecreased,
    MaximumAdded,
    MaximumDecreased,
    MaximumExclusiveAdded,
    MaximumExclusiveDecreased,
    MinItemsAdded,
    MinItemsIncreased,
    MinLengthAdded,
    MinLengthIncreased,
    MinPropertiesAdded,
    MinPropertiesIncreased,
    MinimumAdded,
    MinimumExclusiveAdded,
    MinimumExclusiveIncreased,
    MinimumIncreased,
    MultipleAdded,
    MultipleChanged,
    MultipleExpanded,
    PatternAdded,
    PatternChanged,
    ProductTypeExtended,
    PropertyAddedNotCoveredByPartiallyOpenContentModel,
    PropertyAddedToOpenContentModel,
    PropertyRemovedFromClosedContentModel,
    PropertyRemovedNotCoveredByPartiallyOpenContentModel,
    RequiredAttributeAdded,
    RequiredPropertyAddedToUnopenContentModel,
    SchemaAdded,
    SchemaRemoved,
    SumTypeNarrowed,
    TypeChanged,
    TypeNarrowed,
}

impl JsonIncompatibility {
    pub const ALL: [Self; 47] = [
        Self::AdditionalItemsRemoved,
        Self::AdditionalPropertiesNarrowed,
        Self::CombinedTypeChanged,
        Self::CombinedTypeSubschemasChanged,
        Self::DependencyArrayAdded,
        Self::DependencyArrayExtended,
        Self::EnumArrayNarrowed,
        Self::ItemAddedNotCoveredByPartiallyOpenContentModel,
        Self::ItemAddedToOpenContentModel,
        Self::ItemRemovedNotCoveredByPartiallyOpenContentModel,
        Self::MaxItemsAdded,
        Self::MaxItemsDecreased,
        Self::MaxLengthAdded,
        Self::MaxLengthDecreased,
        Self::MaxPropertiesAdded,
        Self::MaxPropertiesDecreased,
        Self::MaximumAdded,
        Self::MaximumDecreased,
        Self::MaximumExclusiveAdded,
        Self::MaximumExclusiveDecreased,
        Self::MinItemsAdded,
        Self::MinItemsIncreased,
        Self::MinLengthAdded,
        Self::MinLengthIncreased,
        Self::MinPropertiesAdded,
        Self::MinPropertiesIncreased,
        Self::MinimumAdded,
        Self::MinimumExclusiveAdded,
        Self::MinimumExclusiveIncreased,
        Self::MinimumIncreased,
        Self::MultipleAdded,
        Self::MultipleChanged,
        Self::MultipleExpanded,
        Self::PatternAdded,
        Self::PatternChanged,
        Self::ProductTypeExtended,
        Self::PropertyAddedNotCoveredByPartiallyOpenContentModel,
        Self::PropertyAddedToOpenContentModel,
        Self::PropertyRemovedFromClosedContentModel,
        Self::PropertyRemovedNotCoveredByPartiallyOpenContentModel,
        Self::RequiredAttributeAdded,
        Self::RequiredPropertyAddedToUnopenContentModel,
        Self::SchemaAdded,
        Self::SchemaRemoved,
        Self::SumTypeNarrowed,
        Self::TypeChanged,
        Self::TypeNarrowed,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::AdditionalItemsRemoved => "additional_items_removed",
            Self::AdditionalPropertiesNarrowed => "additional_properties_narrowed",
            Self::CombinedTypeChanged => "combined_type_changed",
            Self::CombinedTypeSubschemasChanged => "combined_type_subschemas_changed",
            Self::DependencyArrayAdded => "dependency_array_added",
            Self::DependencyArrayExtended => "dependency_array_extended",
            Self::EnumArrayNarrowed => "enum_array_narrowed",
            Self::ItemAddedNotCoveredByPartiallyOpenContentModel => {
                "item_added_not_covered_by_partially_open_content_model"
            }
            Self::ItemAddedToOpenContentModel => "item_added_to_open_content_model",
            Self::ItemRemovedNotCoveredByPartiallyOpenContentModel => {
                "item_removed_not_covered_by_partially_open_content_model"
            }
            Self::MaxItemsAdded => "max_items_added",
            Self::MaxItemsDecreased => "max_items_decreased",
            Self::MaxLengthAdded => "max_length_added",
            Self::MaxLengthDecreased => "max_length_decreased",
            Self::MaxPropertiesAdded => "max_properties_added",
            Self::MaxPropertiesDecreased => "max_properties_decreased",
            Self::MaximumAdded => "maximum_added",
            Self::MaximumDecreased => "maximum_decreased",
            Self::MaximumExclusiveAdded => "maximum_exclusive_added",
            Self::MaximumExclusiveDecreased => "maximum_exclusive_decreased",
            Self::MinItemsAdded => "min_items_added",
            Self::MinItemsIncreased => "min_items_increased",
            Self::MinLengthAdded => "min_length_added",
            Self::MinLengthIncreased => "min_length_increased",
            Self::MinPropertiesAdded => "min_properties_added",
            Self::MinPropertiesIncreased => "min_properties_increased",
            Self::MinimumAdded => "minimum_added",
            Self::MinimumExclusiveAdded => "minimum_exclusive_added",
            Self::MinimumExclusiveIncreased => "minimum_exclusive_increased",
            Self::MinimumIncreased => "minimum_increased",
            Self::MultipleAdded => "multiple_added",
            Self::MultipleChanged => "multiple_changed",
            Self::MultipleExpanded => "multiple_expanded",
            Self::PatternAdded => "pattern_added",
            Self::PatternChanged => "pattern_changed",
            Self::ProductTypeExtended => "product_type_extended",
            Self::PropertyAddedNotCoveredByPartiallyOpenContentModel => {
                "property_added_not_covered_by_partially_open_content_model"
            }
            Self::PropertyAddedToOpenContentModel => "property_added_to_open_content_model",
            Self::PropertyRemovedFromClosedContentModel => {
                "property_removed_from_closed_content_model"
            }
            Self::PropertyRemovedNotCoveredByPartiallyOpenContentModel => {
                "property_removed_not_covered_by_partially_open_content_model"
            }
            Self::RequiredAttributeAdded => "required_attribute_added",
            Self::RequiredPropertyAddedToUnopenContentModel => {
                "required_property_added_to_unopen_content_model"
            }
            Self::SchemaAdded => "schema_added",
            Self::SchemaRemoved => "schema_removed",
            Self::SumTypeNarrowed => "sum_type_narrowed",
            Self::TypeChanged => "type_changed",
            Self::TypeNarrowed => "type_narrowed",
        }
    }
}
